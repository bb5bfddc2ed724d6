package io.redmap.it;

import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC section E, the article's redis-cli session, replayed step by step through the real
 * {@code redis-cli} binary against a server in its own process. redis-cli runs with
 * {@code --no-raw}, so replies print as in the article: {@code (integer) 1}, {@code "0.5"}.
 */
class WalkthroughTest {
    private static final String REDIS_CLI = "redis-cli";
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void redisCliIsInstalled() {
        assumeTrue(runs(REDIS_CLI, "--version"), "redis-cli is not installed (apt-get install redis-tools)");
    }

    @Test
    void theArticleSessionReplaysUnchanged() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("content/db"));
        Path file = folder.resolve("file.mmap");
        String path = file.toString();

        ServerProcess server = ServerProcess.start(dir);
        try {
            // 1. MMAP creates the file, empty.
            assertThat(cli(server, "MMAP", "db", path)).isEqualTo("(integer) 0");
            assertThat(file).exists();
            assertThat(Files.size(file)).isZero();

            // 2. One double: 8 bytes.
            assertThat(cli(server, "VADD", "db", "0.0")).isEqualTo("(integer) 1");
            assertThat(Files.size(file)).isEqualTo(8);

            // 3. Nine commands piped to one redis-cli.
            StringBuilder piped = new StringBuilder();
            for (int i = 1; i <= 9; i++) {
                piped.append("vadd db 0.").append(i).append('\n');
            }
            assertThat(cliPiped(server, piped.toString())).isEqualTo("(integer) 1\n".repeat(9).strip());
            assertThat(cli(server, "vcount", "db")).isEqualTo("(integer) 10");
            assertThat(Files.size(file)).isEqualTo(80);

            // 4. Six more at once; reads.
            assertThat(cli(server, "VADD", "db", "1.0", "1.1", "1.2", "1.3", "1.4", "1.5")).isEqualTo("(integer) 6");
            assertThat(cli(server, "VGET", "db", "5")).isEqualTo("\"0.5\"");
            assertThat(cli(server, "VMGET", "db", "1", "2", "3", "4", "5"))
                    .isEqualTo(lines("1) \"0.1\"", "2) \"0.2\"", "3) \"0.3\"", "4) \"0.4\"", "5) \"0.5\""));

            // 5. Two index/value pairs.
            assertThat(cli(server, "VSET", "db", "5", "50", "10", "100")).isEqualTo("(integer) 2");
            assertThat(cli(server, "VMGET", "db", "5", "10")).isEqualTo(lines("1) \"50\"", "2) \"100\""));

            // 6. Count, last element, pop.
            assertThat(cli(server, "VCOUNT", "db")).isEqualTo("(integer) 16");
            assertThat(cli(server, "VGET", "db", "15")).isEqualTo("\"1.5\"");
            assertThat(cli(server, "VPOP", "db")).isEqualTo("\"1.5\"");
            assertThat(cli(server, "VCOUNT", "db")).isEqualTo("(integer) 15");
            assertThat(Files.size(file)).isEqualTo(120);

            // 7. SIGTERM, then a new server on the same dir.
            assertThat(server.terminate()).as("exit code after SIGTERM (143 = 128 + SIGTERM)").isIn(0, 143);
            server.close();
            server = ServerProcess.start(dir);
            assertThat(server.log()).contains("DB loaded from disk: 1 keys");
            assertThat(cli(server, "VCOUNT", "db")).isEqualTo("(integer) 15");

            // 8. DEL unmaps; the file and its data stay, and map again under another key.
            assertThat(cli(server, "KEYS", "*")).isEqualTo("1) \"db\"");
            assertThat(cli(server, "DEL", "db")).isEqualTo("(integer) 1");
            assertThat(cli(server, "KEYS", "*")).isEqualTo("(empty array)");
            assertThat(Files.size(file)).isEqualTo(120);
            assertThat(cli(server, "MMAP", "dba", path)).isEqualTo("(integer) 15");
            assertThat(cli(server, "VGET", "dba", "5")).isEqualTo("\"50\"");

            // 9. VCLEAR empties the file.
            assertThat(cli(server, "VCLEAR", "dba")).isEqualTo("(integer) 15");
            assertThat(cli(server, "VCOUNT", "dba")).isEqualTo("(integer) 0");
            assertThat(Files.size(file)).isZero();
            assertThat(cli(server, "DEL", "dba")).isEqualTo("(integer) 1");

            // 10. Another program writes the file; MMAP sees its data.
            writeHundredDoubles(file);
            assertThat(Files.size(file)).isEqualTo(800);
            assertThat(cli(server, "mmap", "db", path)).isEqualTo("(integer) 100");
            assertThat(cli(server, "vcount", "db")).isEqualTo("(integer) 100");
            assertThat(cli(server, "vmget", "db", "1", "3", "5", "7", "9"))
                    .isEqualTo(lines("1) \"1\"", "2) \"3\"", "3) \"5\"", "4) \"7\"", "5) \"9\""));

            // 11. SHUTDOWN ends the process; the file remains.
            assertThat(cli(server, "shutdown")).doesNotContain("error");
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(Files.size(file)).isEqualTo(800);
            assertThat(server.log()).contains("bye bye");
        } finally {
            server.close();
        }
    }

    /** Step 10's writer: Python's struct.pack('d', i) when there is a Python, else the same bytes from Java. */
    private static void writeHundredDoubles(Path file) throws IOException, InterruptedException {
        if (Files.isExecutable(Path.of(PYTHON))) {
            String script = "import struct, sys\n"
                    + "with open(sys.argv[1], 'wb') as f:\n"
                    + "    for i in range(100):\n"
                    + "        f.write(struct.pack('d', i))\n";
            Result result = run(List.of(PYTHON, "-c", script, file.toString()), null);
            assertThat(result.exitCode()).as("python: " + result.output()).isZero();
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(800).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 100; i++) {
            bytes.putDouble(i);
        }
        Files.write(file, bytes.array());
    }

    /** One command, one redis-cli invocation; the output without its final newline. */
    private static String cli(ServerProcess server, String... words) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(REDIS_CLI, "-h", "127.0.0.1", "-p",
                Integer.toString(server.port()), "--no-raw"));
        command.addAll(List.of(words));
        Result result = run(command, null);
        assertThat(result.exitCode()).as("redis-cli %s: %s", String.join(" ", words), result.output()).isZero();
        return result.output().strip();
    }

    /** Several inline commands fed to one redis-cli on its standard input. */
    private static String cliPiped(ServerProcess server, String input) throws IOException, InterruptedException {
        Result result = run(List.of(REDIS_CLI, "-h", "127.0.0.1", "-p", Integer.toString(server.port()), "--no-raw"),
                input);
        assertThat(result.exitCode()).as("redis-cli < input: " + result.output()).isZero();
        return result.output().strip();
    }

    private static String lines(String... lines) {
        return String.join("\n", lines);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, String input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(input == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                        : ProcessBuilder.Redirect.PIPE)
                .start();
        if (input != null) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static boolean runs(String... command) {
        try {
            return run(List.of(command), null).exitCode() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package io.redmap.docs;

import io.redmap.testing.Poll;
import io.redmap.testing.SentinelProcess;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "Running with Sentinel" section of {@code docs/replication.md} cannot drift: its
 * sentinel.conf runs two real Sentinels (with the master's address and the machine-specific
 * lines replaced), its Python block is {@code docs/examples/sentinel_client.py} and its Java block
 * {@link SentinelExample}'s source, line for line, and both run against a redmap master found
 * through those Sentinels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelDocsTest {
    private static final String PAGE = "replication.md";
    private static final Path PYTHON_EXAMPLE = Path.of("docs/examples/sentinel_client.py");
    /** Lines of the page's sentinel.conf that belong to a machine: SentinelProcess sets its own. */
    private static final Pattern MACHINE_LINE = Pattern.compile("^(port|bind|daemonize|dir|logfile|pidfile) .*");
    private static final Pattern MONITOR = Pattern.compile("^sentinel monitor mymaster (\\S+) (\\d+) (\\d+)$");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Path dir;
    private ServerProcess master;
    private final List<SentinelProcess> sentinels = new ArrayList<>();

    @BeforeAll
    void startMasterAndSentinelsFromThePage() throws IOException {
        dir = Files.createTempDirectory("redmap-sentinel-docs");
        master = ServerProcess.start(dir);
        List<String> config = new ArrayList<>();
        for (String line : sentinelConf().split("\n")) {
            var monitor = MONITOR.matcher(line);
            if (monitor.matches()) {
                config.add("sentinel monitor mymaster 127.0.0.1 " + master.port() + " " + monitor.group(3));
            } else if (!MACHINE_LINE.matcher(line).matches()) {
                config.add(line);
            }
        }
        for (int i = 0; i < 2; i++) {
            sentinels.add(SentinelProcess.startWithConfig("mymaster", config));
        }
        for (SentinelProcess sentinel : sentinels) {
            sentinel.awaitMaster(info -> info.get("flags").equals("master") && info.get("num-other-sentinels").equals("1"),
                    "seeing the master and the other sentinel, with the page's sentinel.conf", TIMEOUT);
        }
    }

    @AfterAll
    void stop() {
        sentinels.forEach(SentinelProcess::close);
        if (master != null) {
            master.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // A leftover temporary directory is not a test failure.
            }
        }
    }

    @Test
    void javaExampleWritesThroughTheMasterThatJedisSentinelPoolFinds() {
        Path source = DocsExamplesTest.ROOT.resolve("src/test/java/io/redmap/docs/SentinelExample.java");
        assertThat(DocsExamplesTest.blocks(PAGE, "java")).as("```java blocks in docs/%s", PAGE)
                .contains(DocsExamplesTest.normalise(read(source)));

        HostAndPort found = SentinelExample.run(new LinkedHashSet<>(addresses()));
        assertThat(found).isEqualTo(new HostAndPort("127.0.0.1", master.port()));
        try (Jedis jedis = new Jedis("127.0.0.1", master.port(), 10_000)) {
            assertThat(jedis.sendCommand(SentinelExample.command("VCOUNT"), "prices")).isEqualTo(3L);
        }
    }

    @Test
    void pythonExampleWritesThroughTheMasterThatRedisPyFinds() throws Exception {
        Path script = DocsExamplesTest.ROOT.resolve(PYTHON_EXAMPLE);
        assertThat(DocsExamplesTest.blocks(PAGE, "python")).as("```python blocks in docs/%s (one is %s)", PAGE, PYTHON_EXAMPLE)
                .contains(DocsExamplesTest.normalise(read(script)));
        assumeTrue(DocsExamplesTest.pythonReady(), "/usr/bin/python3 cannot import redis and numpy");

        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true);
        builder.environment().put("REDMAP_SENTINELS", String.join(",", addresses()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("%s did not finish; output:%n%s", PYTHON_EXAMPLE, output);
        }
        assertThat(process.exitValue()).as("%s exit code; output:%n%s%n%s", PYTHON_EXAMPLE, output, logs()).isZero();
        assertThat(output).contains("master at 127.0.0.1:" + master.port())
                .contains("a replica (or the master) has 3 prices");
    }

    @Test
    void theSentinelsSeeTheMasterTheyWereGiven() {
        for (SentinelProcess sentinel : sentinels) {
            HostAndPort address = Poll.until(TIMEOUT, "reporting the master", sentinel::masterAddress,
                    found -> found.isPresent(), this::logs).orElseThrow();
            assertThat(address.getPort()).isEqualTo(master.port());
        }
    }

    /** The page's sentinel.conf: its ```conf block with the {@code sentinel monitor} line. */
    private static String sentinelConf() {
        List<String> candidates = DocsExamplesTest.blocks(PAGE, "conf").stream()
                .filter(block -> block.lines().anyMatch(line -> MONITOR.matcher(line).matches())).toList();
        assertThat(candidates).as("```conf blocks with a 'sentinel monitor mymaster' line in docs/%s", PAGE).hasSize(1);
        return candidates.getFirst();
    }

    private List<String> addresses() {
        return sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port()).toList();
    }

    private String logs() {
        return "master log:\n" + master.log() + "\n"
                + sentinels.stream().map(SentinelProcess::logs).collect(Collectors.joining("\n"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

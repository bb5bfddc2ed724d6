package io.redmap.it;

import io.redmap.command.CommandFlag;
import io.redmap.command.CommandSpec;
import io.redmap.command.CommandTable;
import io.redmap.testing.RawClient;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole-server fuzz: 100,000 inputs from a fixed seed (random bytes, mutated requests, random
 * commands with random arguments) over a few connections, reconnecting when the server closes
 * one. Afterwards the server answers, a canary array's file is unchanged, and nothing in the
 * server's log or replies shows an unexpected exception.
 */
class FuzzTest {
    private static final long SEED = 0x5EC0_F022L;
    /** -Dredmap.fuzzInputs for a longer campaign (bench/fuzz); the 90 s deadline scales with it. */
    private static final int INPUTS = Integer.getInteger("redmap.fuzzInputs", 100_000);
    private static final int WORKERS = 4;
    private static final String CANARY = "canary";
    private static final int CANARY_COUNT = 1000;
    /**
     * Commands that would end the run or legitimately lose the canary (REPLICAOF makes the server a
     * read-only replica of whatever host it names, SWAPDB moves it to another database, ACL SETUSER,
     * DELUSER and LOAD may lock the checking client out), or stall it as Redis would (CLIENT PAUSE
     * holds every client's commands, CLIENT REPLY OFF silences the fuzzer's own); never generated.
     */
    private static final Set<String> EXCLUDED = Set.of("shutdown", "flushall", "flushdb", "config|set",
            "config|rewrite", "config|resetstat", "client|kill", "debug", "replicaof", "slaveof", "client|pause",
            "client|reply", "swapdb", "acl|setuser", "acl|deluser", "acl|load");

    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    @Test
    void theServerSurvivesAHundredThousandHostileInputs() throws Exception {
        Path dir = Files.createTempDirectory("redmap-fuzz");
        try {
            byte[] canary = ArrayClient.le(8, Stream.iterate(1L, v -> v * 3 + 1).limit(CANARY_COUNT)
                    .mapToLong(Long::longValue).toArray());
            Files.write(dir.resolve("canary.bin"), canary);
            Files.createDirectory(dir.resolve("sub"));
            assertThat(new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor()).isZero();
            try (ServerProcess server = ServerProcess.start(dir)) {
                try (RawClient setup = new RawClient(server.port())) {
                    assertThat(setup.command("MMAP", CANARY, "canary.bin", "int64", "WRITABLE").readLine())
                            .isEqualTo(":" + CANARY_COUNT + "\r\n");
                }
                fuzz(server.port());

                assertThat(server.isAlive()).isTrue();
                try (RawClient check = new RawClient(server.port())) {
                    assertThat(check.command("PING").readLine()).isEqualTo("+PONG\r\n");
                    assertThat(check.command("VCOUNT", CANARY).readLine()).isEqualTo(":" + CANARY_COUNT + "\r\n");
                    assertThat(check.command("VGET", CANARY, "999").readLine())
                            .isEqualTo(":" + Stream.iterate(1L, v -> v * 3 + 1).skip(999).findFirst().orElseThrow() + "\r\n");
                    String stats = bulk(check.command("INFO", "stats"));
                    long processed = field(stats, "total_commands_processed");
                    assertThat(processed).as("commands that succeeded").isGreaterThan(8_000);
                    assertThat(processed + field(stats, "total_error_replies")).as("commands answered")
                            .isGreaterThan(35_000);
                    assertThat(field(stats, "protocol_errors")).as("protocol errors").isGreaterThan(1_000);
                }
                assertThat(ArrayClient.fileBytes(dir.resolve("canary.bin"))).isEqualTo(canary);
                assertThat(problems).isEmpty();
                assertThat(connections.get()).as("reconnections").isGreaterThan(WORKERS);
                assertThat(bytesReceived.get()).as("reply bytes").isGreaterThan(1L << 20);
                assertThat(server.log()).doesNotContain("failed:", "Exception", "internal error", "Error");
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("hs_err"));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void fuzz(int port) throws InterruptedException {
        List<CommandSpec> commands = generatedCommands();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Inputs inputs = new Inputs(new Random(SEED + w), commands);
            workers.add(Thread.ofPlatform().daemon().name("fuzz-" + w).start(() -> work(port, inputs, INPUTS / WORKERS)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90L * Math.max(1, INPUTS / 100_000));
        for (Thread worker : workers) {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertThat(worker.isAlive()).as("%s still runs", worker.getName()).isFalse();
        }
    }

    /** Every command and subcommand of the table but the excluded ones. */
    private static List<CommandSpec> generatedCommands() {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec spec : CommandTable.standard().all()) {
            all.addAll(spec.isContainer() ? spec.subcommands() : List.of(spec));
        }
        List<CommandSpec> kept = all.stream().filter(spec -> !EXCLUDED.contains(spec.name())).toList();
        assertThat(kept).extracting(CommandSpec::name).contains("mmap", "vset", "exec", "client|list")
                .doesNotContain("shutdown", "config|set");
        return kept;
    }

    /** Sends {@code count} inputs in batches, each batch on a new connection that the client half-closes. */
    private void work(int port, Inputs inputs, int count) {
        Random random = inputs.random;
        int sent = 0;
        while (sent < count && problems.isEmpty()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                connections.incrementAndGet();
                CountDownLatch closed = new CountDownLatch(1);
                InputStream in = socket.getInputStream();
                Thread.ofVirtual().start(() -> drain(in, closed));
                OutputStream out = socket.getOutputStream();
                List<byte[]> batch = inputs.batch(Math.min(1 + random.nextInt(40), count - sent));
                sent += batch.size();
                for (byte[] input : batch) {
                    if (closed.getCount() == 0) {
                        break;
                    }
                    try {
                        out.write(input);
                        out.flush();
                    } catch (IOException e) {
                        break; // The server closed this one (a protocol error): go on with a new one.
                    }
                }
                try {
                    socket.shutdownOutput();
                } catch (IOException ignored) {
                    // Already closed by the server.
                }
                if (!closed.await(20, TimeUnit.SECONDS)) {
                    problems.add("the server kept a connection open 20 s after the client's end of stream");
                }
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                problems.add("cannot connect: " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads replies until the server closes, looking for an internal error among them. */
    private void drain(InputStream in, CountDownLatch closed) {
        byte[] buffer = new byte[1 << 16];
        String carry = "";
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytesReceived.addAndGet(n);
                String text = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                int at = text.indexOf("internal error");
                if (at >= 0) {
                    problems.add("reply: " + text.substring(Math.max(0, at - 20), Math.min(text.length(), at + 200)));
                }
                carry = text.substring(Math.max(0, text.length() - 16));
            }
        } catch (IOException ignored) {
            // A reset is a close too.
        } finally {
            closed.countDown();
        }
    }

    /** The inputs of one worker: a deterministic function of its seed. */
    private static final class Inputs {
        private static final String[] KEYS = {"k0", "k1", "k2", "k3", "rows", "npy", "missing"};
        private static final String[] PATHS = {"a.bin", "b.bin", "c.bin", "m.npy", "n.npy", "sub/x.bin", "sub",
                "fifo", "../x.bin", "/etc/passwd", "/dev/zero", "a.bin/../b.bin", "./c.bin", "", "nope/x.bin",
                "x\0y.bin", "s.bin"};
        private static final String[] TYPES = {"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
                "uint64", "float", "double", "long_double", "string", "float16", "bfloat16", "i8", "<f4", "f8",
                "u8", "bogus"};
        private static final String[] WORDS = {"WRITABLE", "DIM", "SUM", "MIN", "MAX", "AVG", "COUNT", "MATCH",
                "TYPE", "*", "k*", "AUTH", "default", "SETNAME", "NOSAVE", "SCHEDULE", "3", "2", "help", "docs",
                "count", "list", "info", "getkeys", "mmap", "memory", "stats", "all", "everything", "ID", "on", "off"};
        private static final String[] NUMBERS = {"0", "1", "2", "3", "7", "16", "-1", "-2", "100", "255", "256",
                "65536", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808",
                "18446744073709551615", "18446744073709551616", "2305843009213693952", "1048576", "1.5", "-0.0",
                "1e308", "1e309", "nan", "inf", "-inf", "0x10", "01", " 1", "3.4028235e38", "65504", "1e-320"};
        private static final String[] LENGTHS = {"-1", "-7", "0", "1", "999999", "400000000", "536870912",
                "536870913", "1048577", "2147483647", "99999999999999999999", "x"};

        final Random random;
        private final List<CommandSpec> commands;
        private boolean lastUsesCanary;

        Inputs(Random random, List<CommandSpec> commands) {
            this.random = random;
            this.commands = commands;
        }

        /**
         * The next {@code size} inputs, well-formed requests first: a hostile input usually ends
         * its connection, and the requests after it would then be lost.
         */
        List<byte[]> batch(int size) {
            List<byte[]> wellFormed = new ArrayList<>();
            List<byte[]> hostile = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int kind = random.nextInt(100);
                byte[] input = next(kind);
                // A canary read must not follow a mutated request: a mutated bulk length could
                // swallow its framing and make a write of it.
                (kind >= 65 || lastUsesCanary ? wellFormed : hostile).add(input);
            }
            wellFormed.addAll(hostile);
            return wellFormed;
        }

        private byte[] next(int kind) {
            lastUsesCanary = false;
            if (kind < 30) {
                return randomBytes(1 + random.nextInt(random.nextBoolean() ? 8 : 200));
            }
            List<String> words = command();
            boolean usesCanary = words.contains(CANARY);
            lastUsesCanary = usesCanary;
            byte[] request = random.nextInt(10) == 0 ? inline(words) : resp(words);
            // A request on the canary is only ever a read, and a mutation could turn it into a write.
            return kind < 65 && !usesCanary ? mutate(request) : request;
        }

        private List<String> command() {
            CommandSpec spec = commands.get(random.nextInt(commands.size()));
            List<String> words = new ArrayList<>(List.of(spec.name().split("\\|")));
            int wanted = spec.arity() >= 0 ? spec.arity() : -spec.arity() + random.nextInt(5);
            if (random.nextInt(20) == 0) {
                wanted = Math.max(words.size(), wanted + random.nextInt(3) - 1); // sometimes the wrong arity
            }
            boolean canaryAllowed = spec.has(CommandFlag.READONLY);
            for (int position = words.size(); position < wanted; position++) {
                words.add(argument(spec, position, canaryAllowed));
            }
            return words;
        }

        private String argument(CommandSpec spec, int position, boolean canaryAllowed) {
            boolean isKey = spec.keys().hasKeys() && position >= spec.keys().first()
                    && (spec.keys().last() < 0 || position <= spec.keys().last());
            if (isKey || random.nextInt(12) == 0) {
                return canaryAllowed && random.nextInt(4) == 0 ? CANARY : pick(KEYS);
            }
            if (spec.name().equals("mmap") && position == 2) {
                return pick(PATHS);
            }
            if (spec.name().equals("mmap") && position == 3) {
                return pick(TYPES);
            }
            return switch (random.nextInt(10)) {
                case 0, 1, 2, 3, 4 -> pick(NUMBERS);
                case 5, 6 -> pick(WORDS);
                case 7 -> pick(TYPES);
                case 8 -> Integer.toString(random.nextInt(2000) - 1000);
                default -> new String(randomBytes(random.nextInt(24)), StandardCharsets.ISO_8859_1);
            };
        }

        private static byte[] resp(List<String> words) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("*" + words.size() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (String word : words) {
                byte[] bytes = word.getBytes(StandardCharsets.ISO_8859_1);
                out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(bytes);
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            return out.toByteArray();
        }

        private static byte[] inline(List<String> words) {
            StringBuilder line = new StringBuilder();
            for (String word : words) {
                line.append(line.isEmpty() ? "" : " ");
                if (!word.isEmpty() && word.chars().allMatch(c -> c > ' ' && c < 127 && c != '"' && c != '\'')) {
                    line.append(word);
                    continue;
                }
                line.append('"');
                for (char c : word.toCharArray()) {
                    line.append(c >= ' ' && c < 127 && c != '"' && c != '\\' ? String.valueOf(c)
                            : String.format("\\x%02x", (int) c & 0xff));
                }
                line.append('"');
            }
            return (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }

        /** One to three of: bit flips, a truncation, a duplicated or removed CRLF, a length rewritten, bytes inserted. */
        private byte[] mutate(byte[] request) {
            byte[] bytes = request;
            for (int round = 1 + random.nextInt(3); round > 0; round--) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                bytes = switch (random.nextInt(6)) {
                    case 0 -> {
                        byte[] flipped = bytes.clone();
                        flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                        yield flipped;
                    }
                    case 1 -> java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                    case 2 -> splice(text, random.nextInt(text.length() + 1), 0, "\r\n");
                    case 3 -> {
                        int crlf = text.indexOf("\r\n", random.nextInt(text.length()));
                        yield crlf < 0 ? bytes : splice(text, crlf, 2, "");
                    }
                    case 4 -> {
                        int marker = Math.max(text.indexOf('$', random.nextInt(text.length())), 0);
                        int end = text.indexOf("\r\n", marker);
                        yield end < 0 ? bytes : splice(text, marker + 1, end - marker - 1, pick(LENGTHS));
                    }
                    default -> splice(text, random.nextInt(text.length() + 1), 0,
                            new String(randomBytes(1 + random.nextInt(6)), StandardCharsets.ISO_8859_1));
                };
                if (bytes.length == 0) {
                    return request;
                }
            }
            return bytes;
        }

        private static byte[] splice(String text, int at, int remove, String insert) {
            return (text.substring(0, at) + insert + text.substring(at + remove)).getBytes(StandardCharsets.ISO_8859_1);
        }

        private byte[] randomBytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }

        private String pick(String[] choices) {
            return choices[random.nextInt(choices.length)];
        }
    }

    private static String bulk(RawClient client) {
        String header = client.readLine();
        assertThat(header).startsWith("$");
        int length = Integer.parseInt(header.substring(1).trim());
        return new String(client.read(length + 2), StandardCharsets.UTF_8);
    }

    private static long field(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> Long.parseLong(line.substring(name.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("INFO has no " + name + ":\n" + info));
    }
}

package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VGET, VMGET, VREAD and VMREAD run without the command lock (LockFreeReads) on several network
 * threads while writers change, delete, remap and flush the very key they read, and while another
 * program truncates a file under them. Every reply must be a state that existed: rows (32 values) are
 * written whole with one value repeated, so a row half-written by a VSET shows up as mixed values; every
 * value must be one that was written; the only errors are those a server that ran everything
 * under the lock gives; the statistics count every call once; and the server lives on.
 */
class LockFreeReadsTest {
    private static final int DIM = 32;
    private static final int ROW_BYTES = DIM * 8;
    /** Just under the 16 MiB a writable mapping reserves: the appends below cross it and remap. */
    private static final int INITIAL_ROWS = (16 << 20) / ROW_BYTES - 64;
    private static final int READERS = 6;
    private static final Pattern CALLS = Pattern.compile("cmdstat_(vget|vmget|vread|vmread):calls=(\\d+),");

    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();

    @ParameterizedTest(name = "io-threads {0}")
    @ValueSource(ints = {2, 4})
    void readsRacingWritesDeletesRemapsAndFlushesSeeOnlyWholeWrittenRows(int ioThreads) throws Exception {
        Set<String> crashLogsBefore = crashLogs();
        try (TestServer server = TestServer.start("--io-threads", String.valueOf(ioThreads))) {
            Files.write(server.path("rows.bin"), new byte[INITIAL_ROWS * ROW_BYTES]); // every row 0 0 0 0
            Jedis setup = server.jedis();
            mapRows(setup);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Jedis jedis = server.jedis();
                threads.add(Thread.ofPlatform().daemon().name("reader-" + r).start(() -> read(jedis, running)));
            }
            Jedis overwriter = server.jedis();
            threads.add(Thread.ofPlatform().daemon().name("overwriter").start(() -> overwrite(overwriter, running)));
            Jedis writer = server.jedis();
            for (int i = 0; i < 3_000 && problems.isEmpty(); i++) {
                write(writer, i);
            }
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(thread.isAlive()).as("%s still runs", thread.getName()).isFalse();
            }
            assertThat(problems).isEmpty();
            assertThat(call(setup, "PING")).isEqualTo("PONG");
            mapRows(setup);
            assertThat((Long) call(setup, "VCOUNT", "rows")).as("the appends crossed the first reservation")
                    .isGreaterThan((long) (16 << 20) / ROW_BYTES);
            Map<String, Long> calls = commandCalls(setup);
            for (String command : List.of("vget", "vmget", "vread", "vmread")) {
                long made = sent.get(command).sum();
                assertThat(made).as("%s calls made", command).isGreaterThan(100);
                assertThat(calls.get(command)).as("INFO commandstats calls of %s: each once", command).isEqualTo(made);
            }
        }
        assertThat(crashLogs()).isEqualTo(crashLogsBefore);
    }

    @Test
    void readsOfAFileTruncatedBehindTheServerGetValuesOrTheLockedServersErrors() throws Exception {
        Set<String> crashLogsBefore = crashLogs();
        int count = 1 << 20; // 8 MiB of doubles, value i * 0.5 at index i
        try (TestServer server = TestServer.start("--io-threads", "4")) {
            Path file = server.path("values.bin");
            ByteBuffer data = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                data.putDouble(i * 0.5);
            }
            Files.write(file, data.array());
            Jedis setup = server.jedis();
            assertThat(call(setup, "MMAP", "values", "values.bin", "double")).isEqualTo((long) count);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Jedis jedis = server.jedis();
                threads.add(Thread.ofPlatform().daemon().name("reader-" + r)
                        .start(() -> readValues(jedis, count, running)));
            }
            Thread.sleep(300);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(count / 2 * 8L);
            }
            Thread.sleep(500);
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(thread.isAlive()).as("%s still runs", thread.getName()).isFalse();
            }
            assertThat(problems).isEmpty();
            assertThat(sent.get("vget").sum()).as("reads made").isGreaterThan(100);
            assertThat(call(setup, "VCOUNT", "values")).isEqualTo((long) count / 2);
            assertThat(Double.parseDouble((String) call(setup, "VGET", "values", count / 2 - 1))).isEqualTo((count / 2 - 1) * 0.5);
        }
        assertThat(crashLogs()).isEqualTo(crashLogsBefore);
    }

    @Test
    void concurrentReadsAreEachCountedOnceAsHitsAndCalls() throws Exception {
        try (TestServer server = TestServer.start("--io-threads", "4")) {
            Jedis setup = server.jedis();
            call(setup, "MMAP", "a", "a.bin", "int32", "WRITABLE");
            call(setup, "VADD", "a", 1, 2, 3, 4, 5);
            long hitsBefore = stat(setup, "keyspace_hits");
            long missesBefore = stat(setup, "keyspace_misses");
            int perThread = 2_000;
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Jedis jedis = server.jedis();
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (!Long.valueOf(3).equals(call(jedis, "VGET", "a", 2))) {
                            problems.add("VGET a 2 did not reply 3");
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(problems).isEmpty();
            assertThat(stat(setup, "keyspace_hits") - hitsBefore).isEqualTo((long) READERS * perThread);
            assertThat(stat(setup, "keyspace_misses") - missesBefore).isZero();
            assertThat(commandCalls(setup).get("vget")).isEqualTo((long) READERS * perThread);
            // The latency histogram too: one per network thread, summed when read.
            List<?> histogram = (List<?>) call(setup, "LATENCY", "HISTOGRAM", "vget");
            assertThat(histogram.get(0)).isEqualTo("vget");
            List<?> figures = (List<?>) histogram.get(1);
            assertThat(figures.subList(0, 2)).isEqualTo(List.of("calls", (long) READERS * perThread));
            assertThat((String) call(setup, "INFO", "latencystats")).contains("latency_percentiles_usec_vget:p50=");
            assertThat(call(setup, "CONFIG", "RESETSTAT")).isEqualTo("OK");
            assertThat((List<?>) call(setup, "LATENCY", "HISTOGRAM", "vget")).as("reset: no calls").isEmpty();
            assertThat(call(setup, "VGET", "a", 0)).isEqualTo(1L);
            assertThat(((List<?>) ((List<?>) call(setup, "LATENCY", "HISTOGRAM", "vget")).get(1)).subList(0, 2))
                    .isEqualTo(List.of("calls", 1L));
            hitsBefore = stat(setup, "keyspace_hits");
            missesBefore = stat(setup, "keyspace_misses");
            // A missing key is the locked path's miss and error, counted once too.
            assertThat(catchError(setup, "VGET", "nokey", 0)).isEqualTo("ERR You must do MMAP first");
            assertThat(stat(setup, "keyspace_misses") - missesBefore).isEqualTo(1);
            assertThat(stat(setup, "keyspace_hits") - hitsBefore).isZero();
        }
    }

    private static void mapRows(Jedis jedis) {
        call(jedis, "MMAP", "rows", "rows.bin", "int64", "DIM", DIM, "WRITABLE");
    }

    /** One writer step: mostly whole-row VSETs and VADDs, now and then a DEL, a FLUSHALL, a re-MMAP. */
    private void write(Jedis jedis, int step) {
        try {
            int op = step % 20;
            if (op < 9) {
                long g = generation.incrementAndGet();
                call(jedis, "VSET", rowArgs(ThreadLocalRandom.current().nextInt(64), g));
            } else if (op < 17) {
                // 16 rows an append: 3,000 steps append far past the first 16 MiB reservation.
                List<Object> args = new ArrayList<>(List.of("rows"));
                for (int row = 0; row < 16; row++) {
                    long g = generation.incrementAndGet();
                    for (int v = 0; v < DIM; v++) {
                        args.add(g);
                    }
                }
                call(jedis, "VADD", args.toArray());
            } else if (op == 17) {
                call(jedis, "DEL", "rows");
            } else if (op == 18 && step % 100 == 18) {
                call(jedis, "FLUSHALL");
            } else {
                mapRows(jedis);
            }
        } catch (JedisDataException e) {
            if (!e.getMessage().equals("ERR You must do MMAP first")) {
                problems.add("writer: " + e.getMessage());
            }
        }
    }

    /** VSET of a row: {@code rows index g g ... g}. */
    private static Object[] rowArgs(int row, long g) {
        Object[] args = new Object[2 + DIM];
        args[0] = "rows";
        args[1] = row;
        java.util.Arrays.fill(args, 2, args.length, g);
        return args;
    }

    /** A second writer: only VSETs and VWRITEs of whole rows, as fast as it can, so that rows change while readers format them. */
    private void overwrite(Jedis jedis, AtomicBoolean running) {
        while (running.get() && problems.isEmpty()) {
            try {
                if (ThreadLocalRandom.current().nextBoolean()) {
                    call(jedis, "VSET", rowArgs(ThreadLocalRandom.current().nextInt(64), generation.incrementAndGet()));
                } else {
                    // The first 64 rows in one copy of 16 KiB: a long write for a reader to run into.
                    ByteBuffer rows = ByteBuffer.allocate(64 * ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    long g = generation.incrementAndGet();
                    while (rows.hasRemaining()) {
                        rows.putLong(g);
                    }
                    jedis.sendCommand(() -> "VWRITE".getBytes(StandardCharsets.UTF_8),
                            "rows".getBytes(StandardCharsets.UTF_8), "0".getBytes(StandardCharsets.UTF_8), rows.array());
                }
            } catch (JedisDataException e) {
                if (!e.getMessage().equals("ERR You must do MMAP first")) {
                    problems.add("overwriter: " + e.getMessage());
                }
            }
        }
    }

    /** Reads the first 64 rows (always there while the key is mapped) by all four commands, checking each. */
    private void read(Jedis jedis, AtomicBoolean running) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get() && problems.isEmpty()) {
            int row = random.nextInt(64);
            int op = random.nextInt(4);
            try {
                switch (op) {
                    case 0 -> checkRow(count("vget", call(jedis, "VGET", "rows", row)), "VGET");
                    case 1 -> {
                        List<?> rows = (List<?>) count("vmget", call(jedis, "VMGET", "rows", row, 63 - row, (row * 7) % 64));
                        for (Object one : rows) {
                            checkRow(one, "VMGET");
                        }
                    }
                    case 2 -> checkBytes(count("vread", binary(jedis, "VREAD", "rows", row, 64 - row)), 64 - row, "VREAD");
                    default -> checkBytes(count("vmread", binary(jedis, "VMREAD", "rows", row, 63 - row)), 2, "VMREAD");
                }
            } catch (JedisDataException e) {
                sent.computeIfAbsent(List.of("vget", "vmget", "vread", "vmread").get(op), k -> new LongAdder()).increment();
                if (!e.getMessage().equals("ERR You must do MMAP first")) {
                    problems.add("reader: unexpected error " + e.getMessage());
                }
            } catch (RuntimeException e) {
                problems.add("reader: " + e);
            }
        }
    }

    private void readValues(Jedis jedis, int count, AtomicBoolean running) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get() && problems.isEmpty()) {
            int index = random.nextInt(count - 1000);
            try {
                if (random.nextBoolean()) {
                    Object value = count("vget", call(jedis, "VGET", "values", index));
                    if (Double.parseDouble((String) value) != index * 0.5) {
                        problems.add("VGET values " + index + " replied " + value);
                    }
                } else {
                    byte[] bytes = binary(jedis, "VREAD", "values", index, 1000);
                    ByteBuffer values = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < 1000; i++) {
                        if (values.getDouble() != (index + i) * 0.5) {
                            problems.add("VREAD values " + index + ": element " + i + " is wrong");
                            return;
                        }
                    }
                }
            } catch (JedisDataException e) {
                if (!e.getMessage().equals("ERR index exceeds size") && !e.getMessage().startsWith("ERR file changed on disk")) {
                    problems.add("reader: unexpected error " + e.getMessage());
                }
            } catch (RuntimeException e) {
                problems.add("reader: " + e);
            }
        }
    }

    private Object count(String command, Object reply) {
        sent.computeIfAbsent(command, k -> new LongAdder()).increment();
        return reply;
    }

    private byte[] count(String command, byte[] reply) {
        sent.computeIfAbsent(command, k -> new LongAdder()).increment();
        return reply;
    }

    /** A row of DIM equal values, each 0 (the file's first content) or a generation already issued. */
    private void checkRow(Object reply, String command) {
        List<?> values = (List<?>) reply;
        if (values.size() != DIM || new HashSet<>(values).size() != 1) {
            problems.add(command + ": a torn row " + values);
            return;
        }
        checkValue((Long) values.getFirst(), command);
    }

    private void checkBytes(byte[] bytes, int rows, String command) {
        if (bytes.length != rows * ROW_BYTES) {
            problems.add(command + ": " + bytes.length + " bytes for " + rows + " rows");
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            long first = buffer.getLong();
            for (int v = 1; v < DIM; v++) {
                if (buffer.getLong() != first) {
                    problems.add(command + ": a torn row at " + r);
                    return;
                }
            }
            checkValue(first, command);
        }
    }

    private void checkValue(long value, String command) {
        // A value replied was issued before the reply arrived (the writer issues it before sending).
        if (value < 0 || value > generation.get()) {
            problems.add(command + ": value " + value + " was never written");
        }
    }

    private static Object call(Jedis jedis, String command, Object... args) {
        String[] words = Stream.of(args).map(String::valueOf).toArray(String[]::new);
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        Object reply = jedis.sendCommand(name, words);
        return plain(reply);
    }

    private static byte[] binary(Jedis jedis, String command, Object... args) {
        String[] words = Stream.of(args).map(String::valueOf).toArray(String[]::new);
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        return (byte[]) jedis.sendCommand(name, words);
    }

    private static Object plain(Object reply) {
        return switch (reply) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case List<?> list -> list.stream().map(LockFreeReadsTest::plain).toList();
            case null, default -> reply;
        };
    }

    private static String catchError(Jedis jedis, String command, Object... args) {
        try {
            call(jedis, command, args);
            return null;
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    private static Map<String, Long> commandCalls(Jedis jedis) {
        Matcher matcher = CALLS.matcher((String) call(jedis, "INFO", "commandstats"));
        Map<String, Long> calls = new ConcurrentHashMap<>();
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    private static long stat(Jedis jedis, String field) {
        Matcher matcher = Pattern.compile(field + ":(\\d+)").matcher((String) call(jedis, "INFO", "stats"));
        assertThat(matcher.find()).as("INFO stats has %s", field).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static Set<String> crashLogs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("").toAbsolutePath())) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList());
        }
    }
}

package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 16 clients at once on 4 keys that share 2 files (two int64 keys per file): appends, reads,
 * sets, pops, clears, re-maps and deletes. Every value written is unique (thread id and sequence
 * number) and carries a checksum, and every change tells what it removed (VPOP its value, a set
 * or a clear in MULTI the values it replaced), so that at the end each file's values must be
 * exactly the ones created minus the ones removed: a lost, duplicated, misplaced or torn write
 * shows up without a full linearizability checker.
 */
class ConcurrencyModelTest {
    private static final long SEED = 0xC0_2C_0221L;
    private static final int THREADS = 16;
    private static final int OPERATIONS = 2_000;
    private static final String[][] KEYS = {{"f0a", "f0b"}, {"f1a", "f1b"}};
    private static final Set<String> EXPECTED_ERRORS = Set.of("ERR You must do MMAP first", "ERR index exceeds size");

    /** What the clients saw, per file: all of it appended to from the worker threads. */
    private static final class Ledger {
        final Queue<Long> created = new ConcurrentLinkedQueue<>();
        final Queue<Long> removed = new ConcurrentLinkedQueue<>();
        final Queue<Long> unknownCleared = new ConcurrentLinkedQueue<>();
    }

    private final Ledger[] ledgers = {new Ledger(), new Ledger()};
    private final Queue<Long> read = new ConcurrentLinkedQueue<>();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();

    @Test
    void concurrentClientsOnSharedFilesLoseDuplicateAndTearNothing() throws Exception {
        Set<String> crashLogsBefore = crashLogs();
        // Several network threads, so that commands really do race for the command lock.
        try (TestServer server = TestServer.start("--io-threads", "4")) {
            Jedis setup = server.jedis();
            for (int file = 0; file < 2; file++) {
                for (String key : KEYS[file]) {
                    assertThat(call(setup, "MMAP", key, "f" + file + ".bin", "int64", "WRITABLE")).isEqualTo(0L);
                }
            }
            List<Jedis> clients = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                clients.add(server.jedis());
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t + 1;
                Jedis jedis = clients.get(t);
                threads.add(Thread.ofPlatform().daemon().name("model-" + id).start(() -> run(id, jedis)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                assertThat(thread.isAlive()).as("%s still runs", thread.getName()).isFalse();
            }
            assertThat(problems).isEmpty();

            for (int file = 0; file < 2; file++) {
                Path path = server.path("f" + file + ".bin");
                long[] onDisk = values(Files.readAllBytes(path));
                for (String key : KEYS[file]) {
                    // A key a thread deleted last is mapped again: DEL never touches the file.
                    call(setup, "MMAP", key, "f" + file + ".bin", "int64", "WRITABLE");
                    assertThat(call(setup, "VCOUNT", key)).as("VCOUNT %s", key).isEqualTo(Files.size(path) / 8);
                    assertThat(call(setup, "VALL", key)).as("VALL %s", key)
                            .isEqualTo(Arrays.stream(onDisk).boxed().toList());
                }
                checkLedger(file, onDisk);
            }
            assertThat(read).allMatch(ConcurrencyModelTest::isValid, "an untorn value");
            Set<Long> created = new HashSet<>(ledgers[0].created);
            created.addAll(ledgers[1].created);
            assertThat(created).as("values read were all created").containsAll(read);
            assertThat(ledgers[0].created.size() + ledgers[1].created.size()).as("values created")
                    .isGreaterThan(THREADS * OPERATIONS / 5);
        }
        assertThat(crashLogs()).isEqualTo(crashLogsBefore);
    }

    /** The file holds exactly what was created in it and not removed, each value once and whole. */
    private void checkLedger(int file, long[] onDisk) {
        Ledger ledger = ledgers[file];
        List<Long> present = Arrays.stream(onDisk).boxed().toList();
        List<Long> gone = List.copyOf(ledger.removed);
        assertThat(present).as("file %d: values whole", file).allMatch(ConcurrencyModelTest::isValid);
        assertThat(gone).as("file %d: removed values whole", file).allMatch(ConcurrencyModelTest::isValid);
        List<Long> accounted = Stream.concat(present.stream(), gone.stream()).toList();
        assertThat(accounted).as("file %d: no value present or removed twice", file).doesNotHaveDuplicates();
        assertThat(ledger.created).as("file %d: every value there or removed was created there", file)
                .containsAll(accounted);
        long clearedUnseen = ledger.unknownCleared.stream().mapToLong(Long::longValue).sum();
        assertThat((long) ledger.created.size()).as("file %d: created = present + removed + cleared unseen", file)
                .isEqualTo(present.size() + gone.size() + clearedUnseen);
    }

    /** One client's operations, from its own seed. */
    private void run(int thread, Jedis jedis) {
        Random random = new Random(SEED + thread);
        int sequence = 0;
        for (int i = 0; i < OPERATIONS && problems.isEmpty(); i++) {
            int file = random.nextInt(2);
            String key = KEYS[file][random.nextInt(2)];
            Ledger ledger = ledgers[file];
            try {
                int op = random.nextInt(100);
                if (op < 30) {
                    long[] values = new long[1 + random.nextInt(3)];
                    for (int v = 0; v < values.length; v++) {
                        values[v] = value(thread, ++sequence);
                    }
                    Object[] args = Stream.concat(Stream.of(key), Arrays.stream(values).boxed()).toArray();
                    expect(call(jedis, "VADD", args), (long) values.length, "VADD");
                    Arrays.stream(values).forEach(ledger.created::add);
                } else if (op < 50) {
                    read.add((Long) call(jedis, "VGET", key, random.nextInt(16)));
                } else if (op < 65) {
                    setInTransaction(jedis, key, random.nextInt(16), value(thread, ++sequence), ledger);
                } else if (op < 80) {
                    Object popped = call(jedis, "VPOP", key);
                    if (popped != null) {
                        ledger.removed.add((Long) popped);
                    }
                } else if (op < 83) {
                    clear(jedis, key, random.nextBoolean(), ledger);
                } else if (op < 91) {
                    call(jedis, "MMAP", key, "f" + file + ".bin", "int64", "WRITABLE");
                } else if (op < 95) {
                    call(jedis, "DEL", key);
                } else {
                    expect(call(jedis, "VCOUNT", key) instanceof Long count && count >= 0, true, "VCOUNT");
                }
            } catch (JedisDataException e) {
                if (!EXPECTED_ERRORS.contains(e.getMessage())) {
                    problems.add("thread " + thread + ": unexpected error " + e.getMessage());
                }
            } catch (RuntimeException e) {
                problems.add("thread " + thread + ": " + e);
            }
        }
    }

    /** VGET and VSET of one index as one transaction: the value replaced is known exactly. */
    private void setInTransaction(Jedis jedis, String key, int index, long value, Ledger ledger) {
        List<?> replies = transaction(jedis, List.of("VGET", key, index), List.of("VSET", key, index, value));
        if (replies.get(0) instanceof JedisDataException error) {
            expect(replies.get(1) instanceof JedisDataException, true, "VSET fails with its VGET");
            throw error;
        }
        expect(replies.get(1), 1L, "VSET");
        ledger.removed.add((Long) replies.get(0));
        ledger.created.add(value);
    }

    /** VCLEAR alone (only the count is known) or with VALL in one transaction (the values are known). */
    private void clear(Jedis jedis, String key, boolean seeValues, Ledger ledger) {
        if (!seeValues) {
            ledger.unknownCleared.add((Long) call(jedis, "VCLEAR", key));
            return;
        }
        List<?> replies = transaction(jedis, List.of("VALL", key), List.of("VCLEAR", key));
        if (replies.get(0) instanceof JedisDataException error) {
            throw error;
        }
        List<?> values = (List<?>) replies.get(0);
        expect(replies.get(1), (long) values.size(), "VCLEAR in the transaction of VALL");
        values.forEach(v -> ledger.removed.add((Long) v));
    }

    private static List<?> transaction(Jedis jedis, List<Object> first, List<Object> second) {
        expect(call(jedis, "MULTI"), "OK", "MULTI");
        expect(call(jedis, (String) first.getFirst(), first.subList(1, first.size()).toArray()), "QUEUED", "queue");
        expect(call(jedis, (String) second.getFirst(), second.subList(1, second.size()).toArray()), "QUEUED", "queue");
        Object replies = call(jedis, "EXEC");
        expect(replies instanceof List<?> list && list.size() == 2, true, "EXEC replies two results");
        return (List<?>) replies;
    }

    private static void expect(Object actual, Object expected, String what) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
    }

    /** A unique value: 32 bits of (thread, sequence) and 32 bits of their checksum, so a torn value shows. */
    static long value(int thread, int sequence) {
        long id = ((long) thread << 24) | sequence;
        return (id << 32) | checksum(id);
    }

    static boolean isValid(long value) {
        long id = value >>> 32;
        return id != 0 && (value & 0xffffffffL) == checksum(id);
    }

    private static long checksum(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (h ^ (h >>> 29)) & 0xffffffffL;
    }

    private static Object call(Jedis jedis, String command, Object... args) {
        String[] words = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        return plain(jedis.sendCommand(name, words));
    }

    private static Object plain(Object reply) {
        return switch (reply) {
            case byte[] bytes -> {
                String text = new String(bytes, StandardCharsets.UTF_8);
                yield text.equals("OK") || text.equals("QUEUED") ? text : Long.parseLong(text);
            }
            case List<?> list -> list.stream().map(item -> item instanceof JedisDataException ? item : plain(item)).toList();
            case null, default -> reply;
        };
    }

    private static long[] values(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[bytes.length / 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getLong();
        }
        return values;
    }

    private static Set<String> crashLogs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("").toAbsolutePath())) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList());
        }
    }
}

package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Counters incremented by 8 threads at once (VINCRBY), then summed on the server (VAGG). */
final class AtomicsAndAggregationExample {
    private AtomicsAndAggregationExample() {
    }

    static void run(int port, Path dir) throws InterruptedException {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            expect(call(jedis, "MMAP", "hits", dir.resolve("hits.i8").toString(), "int64", "WRITABLE"), 0L);
            expect(call(jedis, "VADD", "hits", "0", "0", "0", "0"), 4L);

            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try (Jedis client = new Jedis("127.0.0.1", port)) {
                        for (int i = 0; i < 1000; i++) {
                            call(client, "VINCRBY", "hits", String.valueOf(i % 4), String.valueOf(i % 4 + 1));
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            // 8 threads x 250 increments of each counter: no update lost.
            expect(call(jedis, "VALL", "hits"), List.of(2000L, 4000L, 6000L, 8000L));
            expect(call(jedis, "VINCRBY", "hits", "0", "-1"), 1999L);

            expect(call(jedis, "VAGG", "hits", "SUM"), 19999L);
            expect(call(jedis, "VAGG", "hits", "MAX", "0", "1"), 4000L);
            expect(call(jedis, "VAGG", "hits", "AVG", "-2", "-1"), "7000");
            expect(call(jedis, "VAGG", "hits", "COUNT"), 4L);
            expect(call(jedis, "VAGG", "hits", "MIN", "10", "20"), null);  // empty range
            expect(error(jedis, "VAGG", "hits", "MEDIAN"),
                    "ERR unknown aggregate 'MEDIAN': use SUM, MIN, MAX, AVG or COUNT");

            expect(call(jedis, "MMAP", "price", dir.resolve("price.f8").toString(), "double", "WRITABLE"), 0L);
            expect(call(jedis, "VADD", "price", "9.99"), 1L);
            expect(call(jedis, "VINCRBYFLOAT", "price", "0", "0.01"), "10");
            expect(error(jedis, "VINCRBYFLOAT", "hits", "0", "0.5"),
                    "ERR VINCRBYFLOAT needs a floating-point type; use VINCRBY on integer types");
        }
    }

    static ProtocolCommand command(String name) {
        return () -> SafeEncoder.encode(name);
    }

    static Object call(Jedis jedis, String name, String... args) {
        return SafeEncoder.encodeObject(jedis.sendCommand(command(name), args));
    }

    static String error(Jedis jedis, String name, String... args) {
        try {
            call(jedis, name, args);
        } catch (JedisDataException e) {
            return e.getMessage();
        }
        throw new AssertionError(name + " must fail");
    }

    static void expect(Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }
}

package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A double[] to the server and back as raw little-endian bytes (VWRITE, VREAD), and VRANGE. */
final class RangesAndBinaryExample {
    private RangesAndBinaryExample() {
    }

    static void run(int port, Path dir) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            expect(call(jedis, "MMAP", "series", dir.resolve("series.f8").toString(), "double", "WRITABLE"), 0L);

            double[] values = new double[100_000];
            Arrays.setAll(values, i -> i * 0.5);
            ByteBuffer out = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            out.asDoubleBuffer().put(values);
            // start == VCOUNT appends; the reply is the number of elements written.
            expect(jedis.sendCommand(command("VWRITE"), SafeEncoder.encode("series"), SafeEncoder.encode("0"), out.array()),
                    100_000L);

            byte[] raw = (byte[]) jedis.sendCommand(command("VREAD"), SafeEncoder.encodeMany("series", "0", "100000"));
            double[] back = new double[raw.length / Double.BYTES];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(back);
            expect(Arrays.equals(back, values), true);

            // VRANGE: LRANGE's rules, replies as text.
            expect(call(jedis, "VRANGE", "series", "-2", "-1"), List.of("49999", "49999.5"));
            expect(call(jedis, "VRANGE", "series", "99999", "500000"), List.of("49999.5"));
            // VREAD does not clip: the range must exist.
            expect(error(jedis, "VREAD", "series", "99999", "2"), "ERR index exceeds size");
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

package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** float16 and bfloat16 arrays, read as text and as raw 16-bit values decoded in Java. */
final class HalfPrecisionExample {
    private HalfPrecisionExample() {
    }

    static void run(int port, Path dir) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            expect(call(jedis, "MMAP", "h", dir.resolve("h.f2").toString(), "float16", "WRITABLE"), 0L);
            expect(call(jedis, "VADD", "h", "0.1", "2049", "65504"), 3L);
            expect(call(jedis, "VALL", "h"), List.of("0.1", "2048", "65500"));  // rounded to float16
            expect(error(jedis, "VADD", "h", "1e5"), "ERR value must be float16");

            // Raw float16 bits: Float.float16ToFloat (Java 20+) decodes them.
            ByteBuffer h = read(jedis, "h", 3);
            expect(Float.float16ToFloat(h.getShort(0)), Float.float16ToFloat(Float.floatToFloat16(0.1f)));
            expect(Float.float16ToFloat(h.getShort(2)), 2048.0f);
            expect(Float.float16ToFloat(h.getShort(4)), 65504.0f);

            expect(call(jedis, "MMAP", "b", dir.resolve("b.bf16").toString(), "bfloat16", "WRITABLE"), 0L);
            expect(call(jedis, "VADD", "b", "1.5", "3e38", "-0.1"), 3L);
            expect(call(jedis, "VALL", "b"), List.of("1.5", "3e+38", "-0.1"));

            // Raw bfloat16 bits are the high half of a float32.
            ByteBuffer b = read(jedis, "b", 3);
            expect(Float.intBitsToFloat((b.getShort(0) & 0xffff) << 16), 1.5f);
            expect(Float.intBitsToFloat((b.getShort(4) & 0xffff) << 16), -0.10009765625f);
        }
    }

    static ByteBuffer read(Jedis jedis, String key, int count) {
        byte[] raw = (byte[]) jedis.sendCommand(command("VREAD"), SafeEncoder.encodeMany(key, "0", String.valueOf(count)));
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
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

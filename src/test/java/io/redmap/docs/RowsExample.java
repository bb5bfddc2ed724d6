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

/** Rows of 4 floats (DIM 4) from Java with Jedis: append, read, gather and replace whole rows. */
final class RowsExample {
    private RowsExample() {
    }

    static void run(int port, Path dir) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            String path = dir.resolve("embeddings.f4").toString();
            expect(call(jedis, "MMAP", "emb", path, "float", "DIM", "4", "WRITABLE"), 0L);

            // VADD takes whole rows and replies how many rows it appended.
            expect(call(jedis, "VADD", "emb", "0.1", "0.2", "0.3", "0.4", "1", "2", "3", "4"), 2L);
            expect(call(jedis, "VGET", "emb", "1"), List.of("1", "2", "3", "4"));
            expect(call(jedis, "VSET", "emb", "0", "-1", "-2", "-3", "-4"), 1L);
            expect(call(jedis, "VRANGE", "emb", "0", "-1"),
                    List.of(List.of("-1", "-2", "-3", "-4"), List.of("1", "2", "3", "4")));
            expect(call(jedis, "VCOUNT", "emb"), 2L);

            // A row of the wrong length is refused as a whole.
            expect(error(jedis, "VADD", "emb", "5", "6", "7"), "ERR each row needs 4 values (the key has DIM 4)");

            // VREAD counts rows: 2 rows of 4 floats are 32 bytes, ready for a float[].
            byte[] raw = (byte[]) jedis.sendCommand(command("VREAD"), SafeEncoder.encodeMany("emb", "0", "2"));
            float[] values = new float[raw.length / Float.BYTES];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            expect(values.length, 8);
            expect(values[4], 1.0f);

            // VMREAD gathers rows in any order, duplicates included: rows 1, 0, 1 are 48 bytes.
            byte[] gathered = (byte[]) jedis.sendCommand(command("VMREAD"), SafeEncoder.encodeMany("emb", "1", "0", "1"));
            float[][] batch = new float[3][4];
            var floats = ByteBuffer.wrap(gathered).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (float[] row : batch) {
                floats.get(row);
            }
            expect(batch[0][0], 1.0f);
            expect(batch[1][0], -1.0f);
            expect(batch[2][3], 4.0f);
            expect(call(jedis, "VSHAPE", "emb"), List.of(2L, 4L));
        }
    }

    /** redmap's commands are not Jedis methods: send them by name. */
    static ProtocolCommand command(String name) {
        return () -> SafeEncoder.encode(name);
    }

    /** Sends a command; bulk strings in the reply become Strings (nested lists too), integers Longs. */
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

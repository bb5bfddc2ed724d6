package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** A .npy file written from Java through redmap, for Python to numpy.load. */
final class NumpyExample {
    private NumpyExample() {
    }

    static void run(int port, Path dir) throws IOException {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            Path file = dir.resolve("features.npy");
            // A new .npy file needs its type (and DIM for a 2-D array).
            expect(call(jedis, "MMAP", "features", file.toString(), "float32", "DIM", "3", "WRITABLE"), 0L);
            expect(call(jedis, "VADD", "features", "1", "2", "3", "4", "5", "6"), 2L);

            // The header now says what numpy.load(path) will return: a (2, 3) float32 array.
            String header = new String(Files.readAllBytes(file), 0, 128, StandardCharsets.ISO_8859_1);
            expect(header.startsWith("\u0093NUMPY"), true);
            expect(header.contains("'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), true);

            // Another key on the same file reads type and shape from the header.
            expect(call(jedis, "MMAP", "reader", file.toString()), 2L);
            expect(call(jedis, "VTYPE", "reader"), "float");
            expect(call(jedis, "VGET", "reader", "1"), List.of("4", "5", "6"));
            expect(error(jedis, "VADD", "reader", "7", "8", "9"), "ERR The file is not writable");
            expect(error(jedis, "MMAP", "other", file.toString(), "int32"),
                    "ERR the type does not match the .npy header ('<f4')");
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

package io.redmap.it;

import io.redmap.testing.Numpy;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * .npy files of any rank (SPEC H): written by numpy, mapped with the first axis as the element
 * axis and the rest one row, grown and shrunk through the server, and read back by numpy with the
 * full shape in the header. Files numpy wrote in an order or dtype redmap cannot serve are refused
 * and nothing is mapped.
 */
class NpyRankTest {
    private TestServer server;
    private Jedis jedis;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        Numpy.assume();
        server = TestServer.start();
        jedis = server.jedis();
        redis = new ArrayClient(jedis);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void save(String name, int version, String expression) {
        Numpy.save(server.path(name), version, expression);
    }

    private List<String> load(String name) {
        return Numpy.load(server.path(name));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aRank3FileMapsGrowsAndShrinksWithItsFullShape(int version) {
        save("cube.npy", version, "np.arange(60, dtype='<f4').reshape(5, 3, 4)");
        assertThat(redis.call("MMAP", "cube", "cube.npy", "WRITABLE")).isEqualTo(5L);
        assertThat(redis.call("VSHAPE", "cube")).isEqualTo(List.of(5L, 3L, 4L));
        assertThat(redis.call("VTYPE", "cube")).isEqualTo("float");
        // VGET replies the element flattened, C order: one row of 12 values.
        assertThat(redis.call("VGET", "cube", 1)).isEqualTo(texts(12, 24));
        assertThat(vmread("cube", 4, 0)).isEqualTo(floats(range(48, 60), range(0, 12)));
        assertThat(vread("cube", 1, 2)).isEqualTo(floats(range(12, 36)));

        Object[] element = new Object[13];
        element[0] = "cube";
        for (int i = 0; i < 12; i++) {
            element[i + 1] = 60 + i;
        }
        assertThat(redis.call("VADD", element)).isEqualTo(1L);
        assertThat(redis.call("VSHAPE", "cube")).isEqualTo(List.of(6L, 3L, 4L));
        List<String> loaded = load("cube.npy");
        assertThat(loaded.get(0)).isEqualTo("(6, 3, 4)");
        assertThat(loaded.get(2)).isEqualTo(String.join(" ", range(0, 72).stream().map(v -> v + ".0").toList()));

        redis.assertError("ERR each row needs 12 values (the key has SHAPE (3,4))", "VADD", "cube", 1, 2, 3);
        assertThat(redis.call("VPOP", "cube")).isEqualTo(texts(60, 72));
        assertThat(redis.call("VPOP", "cube")).isEqualTo(texts(48, 60));
        assertThat(load("cube.npy").get(0)).isEqualTo("(4, 3, 4)");
        assertThat(redis.call("VSHAPE", "cube")).isEqualTo(List.of(4L, 3L, 4L));
    }

    @Test
    void aRank4FileTakesRawAppendsAndNumpyReadsThemBack() {
        save("t.npy", 0, "np.arange(24, dtype='<i2').reshape(2, 2, 3, 2)");
        assertThat(redis.call("MMAP", "t", "t.npy", "int16", "SHAPE", 2, 3, 2, "WRITABLE")).isEqualTo(2L);
        assertThat(redis.call("VSHAPE", "t")).isEqualTo(List.of(2L, 2L, 3L, 2L));
        ByteBuffer two = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 24; i++) {
            two.putShort((short) (100 + i));
        }
        assertThat(jedis.sendCommand(() -> bytes("VWRITE"), bytes("t"), bytes("2"), two.array())).isEqualTo(2L);
        List<String> loaded = load("t.npy");
        assertThat(loaded.subList(0, 2)).containsExactly("(4, 2, 3, 2)", "<i2");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            expected.add(Integer.toString(i));
        }
        for (int i = 0; i < 24; i++) {
            expected.add(Integer.toString(100 + i));
        }
        assertThat(loaded.get(2)).isEqualTo(String.join(" ", expected));
        assertThat(redis.call("VSHAPE", "t")).isEqualTo(List.of(4L, 2L, 3L, 2L));
    }

    @Test
    void aNewFileGetsTheShapeGivenAndNumpyReadsIt() {
        assertThat(redis.call("MMAP", "img", "img.npy", "uint8", "SHAPE", 2, 2, 3, "WRITABLE")).isEqualTo(0L);
        assertThat(load("img.npy").get(0)).isEqualTo("(0, 2, 2, 3)");
        Object[] pixels = new Object[13];
        pixels[0] = "img";
        for (int i = 0; i < 12; i++) {
            pixels[i + 1] = i * 20;
        }
        assertThat(redis.call("VADD", pixels)).isEqualTo(1L);
        List<String> loaded = load("img.npy");
        assertThat(loaded.subList(0, 2)).containsExactly("(1, 2, 2, 3)", "|u1");
        assertThat(loaded.get(2)).isEqualTo("0 20 40 60 80 100 120 140 160 180 200 220");
    }

    @Test
    void aShapeGivenMustMatchTheHeader() {
        save("m.npy", 0, "np.zeros((3, 3, 4), dtype='<f8')");
        byte[] before = fileBytes(server.path("m.npy"));
        redis.assertError("ERR SHAPE (4,3) does not match the .npy header's elements of shape (3,4)",
                "MMAP", "m", "m.npy", "SHAPE", 4, 3, "WRITABLE");
        redis.assertError("ERR SHAPE (12,) does not match the .npy header's elements of shape (3,4)",
                "MMAP", "m", "m.npy", "DIM", 12);
        assertThat(redis.call("EXISTS", "m")).isEqualTo(0L);
        assertThat(redis.call("MMAP", "m", "m.npy", "double", "SHAPE", 3, 4)).isEqualTo(3L);
        assertThat(redis.call("MMAP", "m", "m.npy")).as("the header's shape is the key's").isEqualTo(3L);
        assertThat(fileBytes(server.path("m.npy"))).isEqualTo(before);
    }

    @Test
    void unservableFilesAreRefusedAndNothingIsMapped() {
        save("f.npy", 0, "np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4))");
        save("o.npy", 0, "np.array([[1, 'a'], [None, 2.5]], dtype=object)");
        save("zero.npy", 0, "np.float64(2.5)");
        save("empty.npy", 0, "np.zeros((4, 0, 3), dtype='<f4')");
        for (String name : List.of("f.npy", "o.npy", "zero.npy", "empty.npy")) {
            byte[] before = fileBytes(server.path(name));
            String error = redis.error("MMAP", "k", name, "WRITABLE");
            assertThat(error).as(name).startsWith("ERR not a usable .npy file: ");
            switch (name) {
                case "f.npy" -> assertThat(error).contains("Fortran-order arrays are not supported");
                case "o.npy" -> assertThat(error).contains("object");
                case "zero.npy" -> assertThat(error).contains("0-D array");
                default -> assertThat(error).isEqualTo("ERR not a usable .npy file: shape (4, 0, 3) has an empty axis"
                        + " after the first: its elements hold no values");
            }
            assertThat(fileBytes(server.path(name))).as(name).isEqualTo(before);
        }
        assertThat(redis.call("DBSIZE")).isEqualTo(0L);
        // An empty first axis is an empty array, which is fine.
        save("none.npy", 0, "np.zeros((0, 2, 5), dtype='<i8')");
        assertThat(redis.call("MMAP", "none", "none.npy")).isEqualTo(0L);
        assertThat(redis.call("VSHAPE", "none")).isEqualTo(List.of(0L, 2L, 5L));
    }

    @Test
    void aRestartKeepsTheShape() {
        save("r.npy", 0, "np.ones((2, 2, 2), dtype='<f4')");
        redis.call("MMAP", "r", "r.npy", "WRITABLE");
        redis.call("MMAP", "raw", "raw.f8", "double", "SHAPE", 3, 1, 2, "WRITABLE");
        redis.call("VADD", "raw", 1, 2, 3, 4, 5, 6);
        server.restart();
        redis = new ArrayClient(server.jedis());
        assertThat(redis.call("VSHAPE", "r")).isEqualTo(List.of(2L, 2L, 2L));
        assertThat(redis.call("VSHAPE", "raw")).isEqualTo(List.of(1L, 3L, 1L, 2L));
        assertThat(redis.call("MMAP", "raw", "raw.f8", "double", "SHAPE", 3, 1, 2, "WRITABLE")).isEqualTo(1L);
        redis.assertError("ERR It is already mapped with another type or mode", "MMAP", "raw", "raw.f8", "double", "DIM", 6,
                "WRITABLE");
    }

    private static List<Long> range(int from, int to) {
        List<Long> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add((long) i);
        }
        return values;
    }

    private static List<String> texts(int from, int to) {
        return range(from, to).stream().map(String::valueOf).toList();
    }

    @SafeVarargs
    private static byte[] floats(List<Long>... parts) {
        int n = parts.length == 0 ? 0 : parts.length * parts[0].size();
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (List<Long> part : parts) {
            for (long value : part) {
                out.putFloat(value);
            }
        }
        return out.array();
    }

    private byte[] vmread(String key, long... indices) {
        byte[][] args = new byte[indices.length + 1][];
        args[0] = bytes(key);
        for (int i = 0; i < indices.length; i++) {
            args[i + 1] = bytes(Long.toString(indices[i]));
        }
        return (byte[]) jedis.sendCommand(() -> bytes("VMREAD"), args);
    }

    private byte[] vread(String key, long start, long count) {
        return (byte[]) jedis.sendCommand(() -> bytes("VREAD"), bytes(key), bytes(Long.toString(start)),
                bytes(Long.toString(count)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.redmap.it;

import io.redmap.testing.Numpy;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.redmap.it.ArrayClient.f8;
import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * numpy's .npy files (SPEC section C): numpy-written files of every version map with their dtype
 * and shape, new ones are created valid, and every change of length keeps the header right, so
 * that {@code numpy.load(path, mmap_mode='r')} reads the current array. numpy runs in
 * {@code /usr/bin/python3}; without it these tests are skipped.
 */
class NpyFilesTest {
    /** What numpy sees in a file. */
    record Loaded(String shape, String dtype, List<Double> values) {
    }

    /** A numpy array, and how redmap must show it: type, rows, and every value in row order. */
    record Case(String expression, String type, long rows, List<Number> values) {
        @Override
        public String toString() {
            return expression;
        }
    }

    static Stream<Case> numpyArrays() {
        return Stream.of(
                new Case("np.array([0.5, -1.25, 3.0, 1e-300, np.inf])", "double", 5,
                        List.of(0.5, -1.25, 3.0, 1e-300, Double.POSITIVE_INFINITY)),
                new Case("np.array([0.1, -2.5, 3e38], dtype=np.float32)", "float", 3, List.of(0.1f, -2.5f, 3e38f)),
                new Case("np.array([-32768, 0, 32767, 5], dtype=np.int16)", "int16", 4, List.of(-32768L, 0L, 32767L, 5L)),
                new Case("np.arange(250, 256, dtype=np.uint8)", "uint8", 6, List.of(250L, 251L, 252L, 253L, 254L, 255L)),
                new Case("np.array([1, -2, 70000, -2147483648], dtype='>i4')", "int32", 4,
                        List.of(1L, -2L, 70000L, -2147483648L)),
                new Case("np.array([0.5, -1e300, 2.0], dtype='>f8')", "double", 3, List.of(0.5, -1e300, 2.0)),
                new Case("np.arange(12, dtype=np.float32).reshape(3, 4) / np.float32(4)", "float", 3,
                        List.of(0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f, 2.5f, 2.75f)));
    }

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

    @ParameterizedTest(name = "{0}")
    @MethodSource("numpyArrays")
    void numpySavedFilesMapWithTheirTypeAndShape(Case c) {
        save("a.npy", 0, c.expression());
        byte[] before = fileBytes(server.path("a.npy"));

        assertThat(redis.call("MMAP", "a", "a.npy")).isEqualTo(c.rows());
        assertThat(redis.call("VTYPE", "a")).isEqualTo(c.type());
        assertThat(redis.call("VCOUNT", "a")).isEqualTo(c.rows());
        assertValues("a", c.values());
        assertThat(fileBytes(server.path("a.npy"))).as("a read-only MMAP changes nothing").isEqualTo(before);
    }

    @Test
    void twoDimensionalArraysServeRows() {
        save("m.npy", 0, "np.arange(12, dtype=np.float32).reshape(3, 4)");

        assertThat(redis.call("MMAP", "m", "m.npy", "WRITABLE")).isEqualTo(3L);
        assertThat(redis.call("VGET", "m", 1)).isEqualTo(List.of("4", "5", "6", "7"));
        assertThat(redis.call("VRANGE", "m", -1, -1)).isEqualTo(List.of(List.of("8", "9", "10", "11")));
        assertThat(redis.call("VADD", "m", 12, 13, 14, 15)).isEqualTo(1L);

        Loaded loaded = load("m.npy");
        assertThat(loaded.shape()).isEqualTo("(4, 4)");
        assertThat(loaded.values()).hasSize(16).endsWith(12.0, 13.0, 14.0, 15.0);
    }

    @ParameterizedTest(name = "version {0}.0")
    @ValueSource(ints = {1, 2, 3})
    void everyFormatVersionMapsAndGrows(int version) {
        save("v.npy", version, "np.array([1.5, -2.5])");
        assertThat(fileBytes(server.path("v.npy"))[6]).as("the version byte").isEqualTo((byte) version);

        assertThat(redis.call("MMAP", "v", "v.npy", "WRITABLE")).isEqualTo(2L);
        assertValues("v", List.of(1.5, -2.5));
        assertThat(redis.call("VADD", "v", 3.5)).isEqualTo(1L);

        assertThat(load("v.npy")).isEqualTo(new Loaded("(3,)", "<f8", List.of(1.5, -2.5, 3.5)));
        assertThat(fileBytes(server.path("v.npy"))[6]).isEqualTo((byte) version);
    }

    @Test
    void fortranOrderAndObjectArraysAreRefusedAndLeftAlone() {
        save("f.npy", 0, "np.asfortranarray(np.arange(12.0).reshape(3, 4))");
        save("o.npy", 0, "np.array([1, 'a', None], dtype=object)");
        byte[] fortran = fileBytes(server.path("f.npy"));
        byte[] object = fileBytes(server.path("o.npy"));

        assertThat(redis.error("MMAP", "f", "f.npy", "WRITABLE")).startsWith("ERR not a usable .npy file")
                .contains("Fortran-order");
        assertThat(redis.error("MMAP", "o", "o.npy")).startsWith("ERR not a usable .npy file").contains("object");
        assertThat(redis.error("MMAP", "o", "o.npy", "WRITABLE")).contains("object");

        assertThat(fileBytes(server.path("f.npy"))).isEqualTo(fortran);
        assertThat(fileBytes(server.path("o.npy"))).isEqualTo(object);
        assertThat(redis.call("EXISTS", "f", "o")).isEqualTo(0L);
    }

    @Test
    void aWritableMmapOfAMissingNpyCreatesFilesNumpyLoads() {
        assertThat(redis.call("MMAP", "d", "d.npy", "double", "WRITABLE")).isEqualTo(0L);
        assertThat(redis.call("MMAP", "r", "r.npy", "float", "DIM", "8", "WRITABLE")).isEqualTo(0L);

        assertThat(load("d.npy")).isEqualTo(new Loaded("(0,)", "<f8", List.of()));
        assertThat(load("r.npy")).isEqualTo(new Loaded("(0, 8)", "<f4", List.of()));
        assertThat(fileBytes(server.path("d.npy")).length % 64).as("data aligned to 64 bytes").isZero();
        assertThat(redis.call("VTYPE", "r")).isEqualTo("float");
        assertThat(redis.call("MMAP", "d2", "d.npy", "double")).as("a matching type is accepted").isEqualTo(0L);
        assertThat(redis.error("MMAP", "d3", "d.npy", "int64")).contains("does not match the .npy header");

        assertThat(redis.error("MMAP", "x", "missing.npy")).startsWith("ERR");
        assertThat(redis.error("MMAP", "y", "untyped.npy", "WRITABLE")).contains("needs a type");
        assertThat(server.path("missing.npy")).doesNotExist();
    }

    @Test
    void numpyReadsTheCurrentArrayAfterEveryChange() {
        redis.call("MMAP", "d", "d.npy", "double", "WRITABLE");

        redis.call("VADD", "d", 1, 2, 3);
        assertThat(load("d.npy")).isEqualTo(new Loaded("(3,)", "<f8", List.of(1.0, 2.0, 3.0)));
        assertThat(redis.call("VPOP", "d")).isEqualTo("3");
        assertThat(load("d.npy")).isEqualTo(new Loaded("(2,)", "<f8", List.of(1.0, 2.0)));
        redis.call("VSET", "d", 0, -1);
        redis.call("VINCRBYFLOAT", "d", 1, 0.5);
        assertThat(load("d.npy")).isEqualTo(new Loaded("(2,)", "<f8", List.of(-1.0, 2.5)));
        assertThat(redis.call("VCLEAR", "d")).isEqualTo(2L);
        assertThat(load("d.npy")).isEqualTo(new Loaded("(0,)", "<f8", List.of()));
        redis.call("VADD", "d", 7);
        assertThat(load("d.npy")).isEqualTo(new Loaded("(1,)", "<f8", List.of(7.0)));
    }

    @Test
    void rowsOfANewFileFollowEveryChange() {
        redis.call("MMAP", "r", "r.npy", "float", "DIM", "8", "WRITABLE");
        Object[] twoRows = new Object[17];
        twoRows[0] = "r";
        for (int i = 1; i <= 16; i++) {
            twoRows[i] = i;
        }

        assertThat(redis.call("VADD", twoRows)).isEqualTo(2L);
        assertThat(load("r.npy").shape()).isEqualTo("(2, 8)");
        redis.call("VPOP", "r");
        assertThat(load("r.npy")).isEqualTo(new Loaded("(1, 8)", "<f4", List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)));
        redis.call("VCLEAR", "r");
        assertThat(load("r.npy").shape()).isEqualTo("(0, 8)");
    }

    @Test
    void appendsToANumpyWrittenFileKeepItLoadable() {
        save("g.npy", 0, "np.arange(5, dtype=np.float64)");
        long headerBytes = fileBytes(server.path("g.npy")).length - 5 * 8;
        redis.call("MMAP", "g", "g.npy", "WRITABLE");

        assertThat(redis.call("VADD", "g", 5, 6)).isEqualTo(2L);
        double[] more = new double[100_000];
        Arrays.setAll(more, i -> i + 7);
        assertThat(jedis.sendCommand(() -> "VWRITE".getBytes(StandardCharsets.US_ASCII),
                "g".getBytes(StandardCharsets.US_ASCII), "7".getBytes(StandardCharsets.US_ASCII), f8(more)))
                .isEqualTo(100_000L);
        Loaded loaded = load("g.npy");
        assertThat(jedis.sendCommand(() -> "VREAD".getBytes(StandardCharsets.US_ASCII),
                "g".getBytes(StandardCharsets.US_ASCII), "4".getBytes(StandardCharsets.US_ASCII),
                "3".getBytes(StandardCharsets.US_ASCII))).as("VREAD skips the header").isEqualTo(f8(4, 5, 6));

        assertThat(loaded.shape()).isEqualTo("(100007,)");
        assertThat(loaded.values().subList(0, 8)).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        assertThat(loaded.values().getLast()).isEqualTo(100_006.0);
        assertThat(fileBytes(server.path("g.npy")).length).as("the data did not move")
                .isEqualTo(headerBytes + 100_007 * 8);
    }

    /**
     * Other writers (and numpy before 1.14) leave less room after the dict than numpy does now;
     * an append that would need more digits than the header has room for is refused and
     * changes nothing.
     */
    @Test
    void anAppendTheHeaderHasNoRoomForIsRefusedAndChangesNothing() throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (9,), }\n";
        byte[] header = new byte[10 + dict.length()];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) dict.length(), 0}, 0, header, 0, 10);
        System.arraycopy(dict.getBytes(StandardCharsets.US_ASCII), 0, header, 10, dict.length());
        Files.write(server.path("t.npy"), header);
        Files.write(server.path("t.npy"), f8(1, 2, 3, 4, 5, 6, 7, 8, 9), StandardOpenOption.APPEND);
        byte[] before = fileBytes(server.path("t.npy"));
        assertThat(load("t.npy").shape()).isEqualTo("(9,)");

        assertThat(redis.call("MMAP", "t", "t.npy", "WRITABLE")).isEqualTo(9L);
        assertThat(redis.error("VADD", "t", 10)).contains("no room");
        assertThat(vwriteError("t", 8, f8(-9, -10))).as("overwrite and append").contains("no room");

        assertThat(fileBytes(server.path("t.npy"))).isEqualTo(before);
        assertThat(redis.call("VCOUNT", "t")).isEqualTo(9L);
        assertThat(redis.call("VPOP", "t")).isEqualTo("9");
        assertThat(load("t.npy").shape()).isEqualTo("(8,)");
    }

    @Test
    void bigEndianFilesAreWrittenBigEndian() {
        save("b.npy", 0, "np.array([1, -2], dtype='>i4')");
        redis.call("MMAP", "b", "b.npy", "WRITABLE");

        redis.call("VADD", "b", 70000);
        assertThat(redis.call("VINCRBY", "b", 1, -3)).isEqualTo(-5L);
        redis.call("VSET", "b", 0, 258);

        assertThat(load("b.npy")).isEqualTo(new Loaded("(3,)", ">i4", List.of(258.0, -5.0, 70000.0)));
        assertThat(redis.call("VAGG", "b", "SUM")).isEqualTo(70253L);
    }

    @Test
    void npyKeysSurviveARestart() {
        save("s.npy", 2, "np.array([1, 2, 3], dtype='>i8')");
        redis.call("MMAP", "s", "s.npy", "WRITABLE");
        redis.call("MMAP", "r", "r.npy", "float", "DIM", "8", "WRITABLE");
        redis.call("VADD", "r", 1, 2, 3, 4, 5, 6, 7, 8);

        server.restart();
        redis = new ArrayClient(server.jedis());

        assertThat(redis.call("VTYPE", "s")).isEqualTo("int64");
        assertThat(redis.call("VALL", "s")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(redis.call("VADD", "s", 4)).isEqualTo(1L);
        assertThat(load("s.npy")).isEqualTo(new Loaded("(4,)", ">i8", List.of(1.0, 2.0, 3.0, 4.0)));
        assertThat(redis.call("VGET", "r", 0)).isEqualTo(List.of("1", "2", "3", "4", "5", "6", "7", "8"));
        assertThat(redis.call("VADD", "r", 9, 10, 11, 12, 13, 14, 15, 16)).isEqualTo(1L);
        assertThat(load("r.npy").shape()).isEqualTo("(2, 8)");
    }

    private String vwriteError(String key, long start, byte[] data) {
        return catchThrowableOfType(JedisDataException.class, () -> jedis.sendCommand(
                () -> "VWRITE".getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII),
                Long.toString(start).getBytes(StandardCharsets.US_ASCII), data)).getMessage();
    }

    /** Compares VALL with the expected values: longs exactly, floats and doubles as the same number. */
    private void assertValues(String key, List<Number> expected) {
        List<Object> actual = new ArrayList<>();
        for (Object row : (List<?>) redis.call("VALL", key)) {
            if (row instanceof List<?> values) {
                actual.addAll(values);
            } else {
                actual.add(row);
            }
        }
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Object value = actual.get(i);
            switch (expected.get(i)) {
                case Long l -> assertThat(value).as("value %d", i).isEqualTo(l);
                case Float f -> assertThat(Float.parseFloat((String) value)).as("value %d", i).isEqualTo(f);
                default -> assertThat(Double.parseDouble(((String) value).replace("inf", "Infinity")))
                        .as("value %d", i).isEqualTo(expected.get(i).doubleValue());
            }
        }
    }

    private void save(String name, int version, String expression) {
        Numpy.save(server.path(name), version, expression);
    }

    private Loaded load(String name) {
        List<String> lines = Numpy.load(server.path(name));
        List<Double> values = lines.size() < 3 || lines.get(2).isBlank() ? List.of()
                : Arrays.stream(lines.get(2).split(" ")).map(Double::parseDouble).toList();
        return new Loaded(lines.get(0), lines.get(1), values);
    }
}

package io.redmap.it;

import io.redmap.testing.Numpy;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.redmap.it.ArrayClient.f4;
import static io.redmap.it.ArrayClient.f8;
import static io.redmap.it.ArrayClient.le;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * VAGG equals numpy's {@code sum}, {@code min}, {@code max}, {@code mean} and {@code len} on the
 * same file, to the last bit (numpy's pairwise summation), over whole arrays and LRANGE-style
 * ranges (SPEC section C). numpy runs in {@code /usr/bin/python3}; without it those tests skip.
 */
class AggregateTest {
    /**
     * argv: path, dtype, dim, then slices "first:end". Prints per slice: sum min max mean len.
     * numpy before 2.3 (Debian's 1.24 among them) cuts reductions into buffers of 8192 elements
     * and adds the buffers' pairwise sums one after the other; redmap does the same.
     */
    private static final String NUMPY_AGGREGATES = """
            import sys
            import numpy as np
            path, dtype, dim, *slices = sys.argv[1:]
            a = np.fromfile(path, dtype=dtype)
            if int(dim) > 1:
                a = a.reshape(-1, int(dim))
            text = (lambda x: str(int(x))) if a.dtype.kind in 'iu' else (lambda x: float(x).hex())
            for s in slices:
                first, end = map(int, s.split(':'))
                v = a[first:end]
                print(text(v.sum()), text(v.min()), text(v.max()), float(v.mean()).hex(), len(v))
            """;
    private static final int[] SIZES = {1, 7, 8, 9, 127, 128, 129, 1000, 100_000};

    private TestServer server;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        redis = new ArrayClient(server.jedis());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void doublesAgreeWithNumpy() {
        Numpy.assume();
        for (int n : SIZES) {
            Random random = new Random(n);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7));
            }
            assertAgreesWithNumpy("double", "<f8", 1, f8(values), n);
        }
    }

    @Test
    void floatsAgreeWithNumpyInFloat32() {
        Numpy.assume();
        for (int n : SIZES) {
            Random random = new Random(n);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-3, 4)));
            }
            assertAgreesWithNumpy("float", "<f4", 1, f4(values), n);
        }
    }

    @Test
    void integersSumExactlyAsNumpyDoes() {
        Numpy.assume();
        for (int n : new int[] {1, 9, 129, 100_000}) {
            Random random = new Random(n);
            assertAgreesWithNumpy("int32", "<i4", 1, le(4, random.ints(n).asLongStream().toArray()), n);
            assertAgreesWithNumpy("uint8", "|u1", 1, le(1, random.ints(n, 0, 256).asLongStream().toArray()), n);
        }
    }

    @Test
    void rowsAggregateAllTheirValues() {
        Numpy.assume();
        double[] values = new Random(3).doubles(3 * 1001, -1000, 1000).toArray();
        assertAgreesWithNumpy("double", "<f8", 3, f8(values), 1001);
    }

    @Test
    void nanWinsMinAndMaxAsInNumpy() {
        Numpy.assume();
        double[] values = new Random(5).doubles(300, -1, 1).toArray();
        values[150] = Double.NaN;
        assertAgreesWithNumpy("double", "<f8", 1, f8(values), 300);

        redis.call("MMAP", "n", "nan.bin", "double", "WRITABLE");
        redis.call("VADD", "n", "nan", "1", "-1");
        for (String function : List.of("SUM", "MIN", "MAX", "AVG")) {
            assertThat(redis.call("VAGG", "n", function)).as(function).isEqualTo("nan");
            assertThat(redis.call("VAGG", "n", function, "1", "2")).as(function).isNotEqualTo("nan");
        }
        assertThat(redis.call("VAGG", "n", "MIN", "1", "-1")).isEqualTo("-1");
    }

    /**
     * Ranges of 2^20 values and more are summed on several threads (the buffers' pairwise sums in
     * parallel, added in order; min and max per part): the same bits as one thread and as numpy,
     * just below and above that size, at odd sizes, and with NaN or the extreme in a later part.
     */
    @Test
    void largeRangesSplitBetweenThreadsKeepNumpysBits() {
        Numpy.assume();
        int split = 1 << 20;
        for (int n : new int[] {split - 1, split, split + 8193, 3 * split + 5}) {
            Random random = new Random(n);
            double[] doubles = new double[n];
            float[] floats = new float[n];
            long[] ints = new long[n];
            for (int i = 0; i < n; i++) {
                doubles[i] = random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7));
                floats[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-3, 4)));
                ints[i] = random.nextInt();
            }
            doubles[n - 2] = 1e300; // the maximum in the last part
            floats[n - 3] = -1e30f; // the minimum in the last part
            assertAgreesWithNumpy("double", "<f8", 1, f8(doubles), n);
            assertAgreesWithNumpy("float", "<f4", 1, f4(floats), n);
            assertAgreesWithNumpy("int32", "<i4", 1, le(4, ints), n);
        }
        double[] withNaN = new Random(9).doubles(3 * split + 5, -1, 1).toArray();
        withNaN[2 * split + 77] = Double.NaN;
        assertAgreesWithNumpy("double", "<f8", 1, f8(withNaN), withNaN.length);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"double", "float", "int32", "uint64"})
    void emptyRangesSumToZeroAndHaveNoMeanMinOrMax(String type) {
        redis.call("MMAP", "e", "e.bin", type, "WRITABLE");
        assertEmpty("e");
        redis.call("VADD", "e", 1, 2, 3);
        assertEmpty("e", "2", "1");
        assertEmpty("e", "3", "-1");
        assertEmpty("e", "-1", "-2");
        assertEmpty("e", "5", "9");
    }

    private void assertEmpty(String key, String... range) {
        assertThat(String.valueOf(call(key, "SUM", range))).isEqualTo("0");
        assertThat(call(key, "COUNT", range)).isEqualTo(0L);
        assertThat(call(key, "AVG", range)).isNull();
        assertThat(call(key, "MIN", range)).isNull();
        assertThat(call(key, "MAX", range)).isNull();
    }

    @Test
    void uint64ComparesAndSumsUnsigned() {
        redis.call("MMAP", "u", "u.bin", "uint64", "WRITABLE");
        redis.call("VADD", "u", "18446744073709551615", "1", "9223372036854775808");

        assertThat(redis.call("VAGG", "u", "MAX")).isEqualTo("18446744073709551615");
        assertThat(redis.call("VAGG", "u", "MIN")).isEqualTo(1L);
        assertThat(redis.call("VAGG", "u", "SUM", "1", "2")).isEqualTo("9223372036854775809");
    }

    @Test
    void badArgumentsAreRefused() {
        redis.call("MMAP", "k", "k.bin", "double", "WRITABLE");
        redis.call("MMAP", "s", "s.bin", "string", "4", "WRITABLE");
        redis.call("VADD", "s", "ab");

        assertThat(redis.error("VAGG", "k", "MEDIAN")).startsWith("ERR unknown aggregate 'MEDIAN'");
        redis.assertError("ERR syntax error", "VAGG", "k", "SUM", "0");
        redis.assertError("ERR syntax error", "VAGG", "k", "SUM", "0", "1", "2");
        redis.assertError("ERR value is not an integer or out of range", "VAGG", "k", "SUM", "a", "1");
        assertThat(redis.error("VAGG", "s", "SUM")).startsWith("ERR VAGG SUM needs a numeric type");
        assertThat(redis.call("VAGG", "s", "COUNT")).isEqualTo(1L);
        redis.assertError("ERR You must do MMAP first", "VAGG", "nokey", "COUNT");
        assertThat(redis.call("VAGG", "k", "count")).isEqualTo(0L);
    }

    /**
     * Writes the file, maps it, and compares every aggregate over the whole array and over
     * several ranges (negative, beyond the end, one row) with what numpy computes for the same rows.
     */
    private void assertAgreesWithNumpy(String type, String dtype, int dim, byte[] data, int rows) {
        String name = type + "-" + rows + ".bin";
        try {
            Files.write(server.path(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String key = name;
        assertThat(redis.call("MMAP", key, name, type, "DIM", dim)).isEqualTo((long) rows);
        List<String[]> ranges = new ArrayList<>();
        ranges.add(new String[0]);
        long[][] bounds = {{0, -1}, {1, -2}, {rows / 3, rows / 2}, {-7, -1}, {2, rows + 10}, {-rows - 5, 2},
                {rows - 1, rows - 1}};
        List<String> slices = new ArrayList<>(List.of("0:" + rows));
        for (long[] bound : bounds) {
            List<Integer> selected = RangeAndBinaryTest.lrange(bound[0], bound[1], rows);
            if (!selected.isEmpty()) {
                ranges.add(new String[] {String.valueOf(bound[0]), String.valueOf(bound[1])});
                slices.add(selected.getFirst() + ":" + (selected.getLast() + 1));
            }
        }
        List<String> args = new ArrayList<>(List.of(server.path(name).toString(), dtype, String.valueOf(dim)));
        args.addAll(slices);
        List<String> numpy = Numpy.run(NUMPY_AGGREGATES, args);
        boolean float32 = type.equals("float");
        for (int i = 0; i < ranges.size(); i++) {
            String[] range = ranges.get(i);
            String[] expected = numpy.get(i).split(" ");
            String where = type + " x " + rows + " " + Arrays.toString(range);
            if (dtype.contains("f")) {
                assertSameDouble(call(key, "SUM", range), expected[0], float32, where + " SUM");
                assertSameDouble(call(key, "MIN", range), expected[1], float32, where + " MIN");
                assertSameDouble(call(key, "MAX", range), expected[2], float32, where + " MAX");
            } else {
                assertThat(String.valueOf(call(key, "SUM", range))).as(where + " SUM").isEqualTo(expected[0]);
                assertThat(String.valueOf(call(key, "MIN", range))).as(where + " MIN").isEqualTo(expected[1]);
                assertThat(String.valueOf(call(key, "MAX", range))).as(where + " MAX").isEqualTo(expected[2]);
            }
            assertSameDouble(call(key, "AVG", range), expected[3], float32, where + " AVG");
            assertThat(call(key, "COUNT", range)).as(where + " COUNT").isEqualTo(Long.parseLong(expected[4]));
        }
    }

    private Object call(String key, String function, String... range) {
        Object[] args = new Object[2 + range.length];
        args[0] = key;
        args[1] = function;
        System.arraycopy(range, 0, args, 2, range.length);
        return redis.call("VAGG", args);
    }

    /** redmap's text (a float32's shortest text for float arrays) and numpy's float.hex are the same double. */
    private static void assertSameDouble(Object reply, String numpyHex, boolean float32, String where) {
        String text = (String) reply;
        double ours = float32 ? parseFloat(text) : parseDouble(text);
        assertThat(Double.doubleToLongBits(ours)).as("%s: redmap %s, numpy %s", where, text, numpyHex)
                .isEqualTo(Double.doubleToLongBits(parseDouble(numpyHex)));
    }

    private static double parseDouble(String text) {
        return switch (text) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static double parseFloat(String text) {
        double value = parseDouble(text);
        return Double.isFinite(value) ? Float.parseFloat(text) : value;
    }

}

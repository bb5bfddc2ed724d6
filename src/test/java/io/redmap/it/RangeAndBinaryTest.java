package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.redmap.it.ArrayClient.f8;
import static io.redmap.it.ArrayClient.fileBytes;
import static io.redmap.it.ArrayClient.le;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** VRANGE (LRANGE's rules), VREAD and VWRITE (raw little-endian elements) and VSYNC: SPEC section C. */
class RangeAndBinaryTest {
    private static final String INDEX_EXCEEDS = "ERR index exceeds size";
    private static final String NOT_INTEGER_INDEX = "ERR index argument must be integer";
    /** Starts and stops tried against every array: around both ends, and the extremes of a long. */
    private static final List<Long> BOUNDS = List.of(-9223372036854775808L, -1000L, -7L, -6L, -5L, -4L, -3L, -2L, -1L,
            0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 1000L, 9223372036854775807L);

    private TestServer server;
    private Jedis jedis;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
        redis = new ArrayClient(jedis);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Redis's LRANGE (t_list.c): the rows {@code [first, last]} it replies, as a list of indices. */
    static List<Integer> lrange(long start, long stop, int length) {
        if (start < 0) {
            start = length + start;
        }
        if (stop < 0) {
            stop = length + stop;
        }
        if (start < 0) {
            start = 0;
        }
        List<Integer> rows = new ArrayList<>();
        if (start > stop || start >= length) {
            return rows;
        }
        if (stop >= length) {
            stop = length - 1;
        }
        for (long row = start; row <= stop; row++) {
            rows.add((int) row);
        }
        return rows;
    }

    @Test
    void vrangeFollowsLrangeOnPlainArrays() {
        for (int length : new int[] {0, 1, 2, 5}) {
            String key = "plain" + length;
            redis.call("MMAP", key, key + ".bin", "int32", "WRITABLE");
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                values.add((long) i * 10 - 7);
                redis.call("VADD", key, i * 10 - 7);
            }
            assertEveryRange(key, length, values);
        }
    }

    @Test
    void vrangeFollowsLrangeOnRowsOfThree() {
        redis.call("MMAP", "rows", "rows.bin", "double", "DIM", "3", "WRITABLE");
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            redis.call("VADD", "rows", i, i + 0.5, -i);
            rows.add(List.of(String.valueOf(i), i + ".5", String.valueOf(-i)));
        }
        assertThat(redis.call("VGET", "rows", 0)).isEqualTo(rows.getFirst());
        assertEveryRange("rows", 5, rows);
    }

    private void assertEveryRange(String key, int length, List<Object> rows) {
        for (long start : BOUNDS) {
            for (long stop : BOUNDS) {
                List<Object> expected = lrange(start, stop, length).stream().map(rows::get).toList();
                assertThat(redis.call("VRANGE", key, start, stop))
                        .as("VRANGE %s %d %d on %d rows", key, start, stop, length).isEqualTo(expected);
            }
        }
    }

    @Test
    void vrangeRefusesNonIntegersAndUnmappedKeys() {
        redis.call("MMAP", "k", "k.bin", "int8", "WRITABLE");
        redis.call("VADD", "k", 1, 2, 3);

        redis.assertError("ERR value is not an integer or out of range", "VRANGE", "k", "a", "1");
        redis.assertError("ERR value is not an integer or out of range", "VRANGE", "k", "0", "1.5");
        redis.assertError("ERR value is not an integer or out of range", "VRANGE", "k", "0", "9223372036854775808");
        redis.assertError("ERR You must do MMAP first", "VRANGE", "nokey", "0", "-1");
        redis.assertError("ERR wrong number of arguments for 'vrange' command", "VRANGE", "k", "0");
    }

    @Test
    void vreadRepliesTheFileBytes() {
        redis.call("MMAP", "k", "k.bin", "int16", "WRITABLE");
        redis.call("VADD", "k", 1, -2, 300, -32768, 32767, 5, 6);
        byte[] file = fileBytes(server.path("k.bin"));

        for (int start = 0; start <= 7; start++) {
            for (int count = 0; start + count <= 7; count++) {
                assertThat(vread("k", start, count)).as("VREAD k %d %d", start, count)
                        .isEqualTo(Arrays.copyOfRange(file, start * 2, (start + count) * 2));
            }
        }
    }

    @Test
    void vreadOfRowsCountsRows() {
        redis.call("MMAP", "v", "v.bin", "float", "DIM", "3", "WRITABLE");
        redis.call("VADD", "v", 1, 2, 3, 4, 5, 6, 7, 8, 9);
        byte[] file = fileBytes(server.path("v.bin"));

        assertThat(vread("v", 1, 2)).isEqualTo(Arrays.copyOfRange(file, 12, 36));
        assertThat(vread("v", 0, 3)).isEqualTo(file);
    }

    @Test
    void vreadRefusesRangesBeyondTheEndAndNonIntegers() {
        redis.call("MMAP", "k", "k.bin", "double", "WRITABLE");
        redis.call("VADD", "k", 1, 2, 3);

        assertThat(vread("k", 3, 0)).isEmpty();
        redis.assertError(INDEX_EXCEEDS, "VREAD", "k", "4", "0");
        redis.assertError(INDEX_EXCEEDS, "VREAD", "k", "0", "4");
        redis.assertError(INDEX_EXCEEDS, "VREAD", "k", "2", "2");
        redis.assertError(INDEX_EXCEEDS, "VREAD", "k", "-1", "1");
        redis.assertError(INDEX_EXCEEDS, "VREAD", "k", "1", "9223372036854775807");
        redis.assertError(NOT_INTEGER_INDEX, "VREAD", "k", "x", "1");
        redis.assertError(NOT_INTEGER_INDEX, "VREAD", "k", "0", "1.0");
        redis.assertError(NOT_INTEGER_INDEX, "VREAD", "k", "", "1");
    }

    @Test
    void vwriteOverwritesAppendsAndDoesBothAtOnce() {
        redis.call("MMAP", "k", "k.bin", "int32", "WRITABLE");
        redis.call("VADD", "k", 1, 2, 3, 4);

        assertThat(vwrite("k", 1, le(4, 20, 30))).isEqualTo(2L);
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(le(4, 1, 20, 30, 4));

        assertThat(vwrite("k", 4, le(4, 5, 6))).isEqualTo(2L);
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(le(4, 1, 20, 30, 4, 5, 6));

        assertThat(vwrite("k", 5, le(4, -6, -7, -8))).isEqualTo(3L);
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(le(4, 1, 20, 30, 4, 5, -6, -7, -8));
        assertThat(redis.call("VCOUNT", "k")).isEqualTo(8L);
        assertThat(redis.call("VRANGE", "k", -3, -1)).isEqualTo(List.of(-6L, -7L, -8L));

        assertThat(vwrite("k", 8, new byte[0])).isEqualTo(0L);
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(le(4, 1, 20, 30, 4, 5, -6, -7, -8));
    }

    @Test
    void vwriteOfRowsWritesWholeRows() {
        redis.call("MMAP", "v", "v.bin", "double", "DIM", "2", "WRITABLE");
        redis.call("VADD", "v", 1, 2);

        assertThat(vwrite("v", 1, f8(3, 4, 5, 6))).isEqualTo(2L);
        assertThat(fileBytes(server.path("v.bin"))).isEqualTo(f8(1, 2, 3, 4, 5, 6));
        assertThat(vwriteError("v", 0, f8(9))).startsWith("ERR data length 8");
        assertThat(fileBytes(server.path("v.bin"))).isEqualTo(f8(1, 2, 3, 4, 5, 6));
    }

    @Test
    void refusedVwritesChangeNothing() {
        redis.call("MMAP", "k", "k.bin", "int32", "WRITABLE");
        redis.call("VADD", "k", 1, 2);
        byte[] before = fileBytes(server.path("k.bin"));

        assertThat(vwriteError("k", 0, new byte[] {1, 2, 3, 4, 5}))
                .isEqualTo("ERR data length 5 is not a whole number of 4-byte elements");
        assertThat(vwriteError("k", 2, new byte[] {1, 2, 3})).startsWith("ERR data length 3");
        assertThat(vwriteError("k", 3, le(4, 9))).isEqualTo(INDEX_EXCEEDS);
        assertThat(vwriteError("k", -1, le(4, 9))).isEqualTo(INDEX_EXCEEDS);
        assertThat(vwriteError("k", "one", le(4, 9))).isEqualTo(NOT_INTEGER_INDEX);
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(before);

        redis.call("MMAP", "ro", "k.bin", "int32");
        assertThat(vwriteError("ro", 0, le(4, 9))).isEqualTo("ERR The file is not writable");
        assertThat(vwriteError("ro", 2, le(4, 9))).isEqualTo("ERR The file is not writable");
        assertThat(vwriteError("nokey", 0, le(4, 9))).isEqualTo("ERR You must do MMAP first");
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(before);
    }

    @Test
    void aMillionDoublesRoundTripThroughVwriteAndVread() {
        int n = 1_000_000;
        double[] values = new Random(42).doubles(n, -1e6, 1e6).toArray();
        values[7] = Double.NaN;
        values[8] = -0.0;
        values[9] = Double.NEGATIVE_INFINITY;
        byte[] bytes = f8(values);
        redis.call("MMAP", "big", "big.bin", "double", "WRITABLE");

        assertThat(vwrite("big", 0, bytes)).isEqualTo((long) n);
        assertThat(redis.call("VCOUNT", "big")).isEqualTo((long) n);
        byte[] read = vread("big", 0, n);

        assertThat(read).isEqualTo(bytes);
        assertThat(fileBytes(server.path("big.bin"))).isEqualTo(bytes);
        double[] decoded = new double[n];
        ByteBuffer.wrap(read).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(decoded);
        assertThat(rawBits(decoded)).isEqualTo(rawBits(values));
        assertThat(Double.parseDouble((String) redis.call("VGET", "big", 123_456))).isEqualTo(values[123_456]);
    }

    @Test
    void vsyncRepliesOkOnceWritesAreInTheFile() {
        redis.call("MMAP", "k", "k.bin", "double", "WRITABLE");
        redis.call("VADD", "k", 1.5, 2.5);

        assertThat(redis.call("VSYNC", "k")).isEqualTo("OK");
        assertThat(fileBytes(server.path("k.bin"))).isEqualTo(f8(1.5, 2.5));
        redis.call("MMAP", "ro", "k.bin", "double");
        assertThat(redis.call("VSYNC", "ro")).isEqualTo("OK");
        redis.assertError("ERR You must do MMAP first", "VSYNC", "nokey");
    }

    private byte[] vread(String key, long start, long count) {
        return (byte[]) jedis.sendCommand(() -> bytes("VREAD"), bytes(key), bytes(start), bytes(count));
    }

    private Object vwrite(String key, Object start, byte[] data) {
        return jedis.sendCommand(() -> bytes("VWRITE"), bytes(key), bytes(start), data);
    }

    private String vwriteError(String key, Object start, byte[] data) {
        JedisDataException e = catchThrowableOfType(JedisDataException.class, () -> vwrite(key, start, data));
        assertThat(e).as("VWRITE %s %s must be refused", key, start).isNotNull();
        return e.getMessage();
    }

    private static long[] rawBits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    private static byte[] bytes(Object word) {
        return String.valueOf(word).getBytes(StandardCharsets.UTF_8);
    }
}

package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;

/** VINCRBY and VINCRBYFLOAT: exact, range-checked and atomic (SPEC section C). */
class AtomicIncrementTest {
    private static final String OVERFLOW = "ERR increment or decrement would overflow";
    private static final String NOT_FINITE = "ERR increment would produce NaN or Infinity";

    /** An integer type and its range. */
    record IntType(String name, BigInteger min, BigInteger max) {
        IntType(String name, String min, String max) {
            this(name, new BigInteger(min), new BigInteger(max));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<IntType> integerTypes() {
        return Stream.of(
                new IntType("int8", "-128", "127"),
                new IntType("uint8", "0", "255"),
                new IntType("int16", "-32768", "32767"),
                new IntType("uint16", "0", "65535"),
                new IntType("int32", "-2147483648", "2147483647"),
                new IntType("uint32", "0", "4294967295"),
                new IntType("int64", "-9223372036854775808", "9223372036854775807"),
                new IntType("uint64", "0", "18446744073709551615"));
    }

    private TestServer server;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        // Several network threads, so that concurrent increments really race.
        server = TestServer.start("--io-threads", "4");
        redis = new ArrayClient(server.jedis());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * From values at and near both ends of the type, adds deltas up to a long's extremes: the
     * result is the exact sum when it fits the type, else an overflow error that leaves the file
     * as it was.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("integerTypes")
    void vincrbyAddsExactlyOrRefusesToOverflow(IntType type) {
        redis.call("MMAP", "k", "k.bin", type.name(), "WRITABLE");
        redis.call("VADD", "k", 0, 0);
        BigInteger one = BigInteger.ONE;
        List<BigInteger> starts = List.of(type.min(), type.min().add(one), BigInteger.ZERO, one,
                type.max().subtract(one), type.max());
        List<BigInteger> deltas = Stream.of(0L, 1L, -1L, 5L, -5L, 1000L, -1000L, Long.MAX_VALUE, Long.MIN_VALUE)
                .map(BigInteger::valueOf).toList();
        for (BigInteger start : starts) {
            for (BigInteger delta : deltas) {
                redis.call("VSET", "k", 1, start);
                BigInteger expected = start.add(delta);
                if (expected.compareTo(type.min()) < 0 || expected.compareTo(type.max()) > 0) {
                    byte[] before = fileBytes(server.path("k.bin"));
                    redis.assertError(OVERFLOW, "VINCRBY", "k", 1, delta);
                    assertThat(fileBytes(server.path("k.bin"))).as("%s + %s", start, delta).isEqualTo(before);
                } else {
                    assertThat(String.valueOf(redis.call("VINCRBY", "k", 1, delta))).as("%s + %s", start, delta)
                            .isEqualTo(expected.toString());
                    assertThat(String.valueOf(redis.call("VGET", "k", 1))).isEqualTo(expected.toString());
                }
                assertThat(redis.call("VGET", "k", 0)).as("the neighbour").isEqualTo(0L);
            }
        }
    }

    @Test
    void uint64CountsUpToItsMaximum() {
        redis.call("MMAP", "u", "u.bin", "uint64", "WRITABLE");
        redis.call("VADD", "u", "9223372036854775806");

        assertThat(redis.call("VINCRBY", "u", 0, 1)).isEqualTo(9223372036854775807L);
        assertThat(redis.call("VINCRBY", "u", 0, 1)).isEqualTo("9223372036854775808");
        assertThat(redis.call("VINCRBY", "u", 0, Long.MAX_VALUE)).isEqualTo("18446744073709551615");
        redis.assertError(OVERFLOW, "VINCRBY", "u", 0, 1);
        assertThat(redis.call("VINCRBY", "u", 0, -1)).isEqualTo("18446744073709551614");
        assertThat(fileBytes(server.path("u.bin"))).isEqualTo(ArrayClient.le(8, -2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"double, 1.5, 2, 3.5", "float, 1.5, 2, 3.5", "float16, 1.5, -3, -1.5", "bfloat16, 1.5, 2, 3.5"})
    void vincrbyAddsIntegersToFloatingTypes(String type, String start, long delta, String expected) {
        redis.call("MMAP", "f", "f.bin", type, "WRITABLE");
        redis.call("VADD", "f", start);

        assertThat(redis.call("VINCRBY", "f", 0, delta)).isEqualTo(expected);
        assertThat(redis.call("VGET", "f", 0)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "double, 0.1, 0.2, 0.30000000000000004",
            "double, 1e300, -2e300, -1e+300",
            "float, 1.5, 0.25, 1.75",
            "float, 16777216, 1, 16777216",
            "float16, 1.5, 0.25, 1.75",
            "float16, 1, 0.0001, 1",
            "float16, 2048, 1, 2048"})
    void vincrbyfloatAddsInTheTypesPrecision(String type, String start, String delta, String expected) {
        redis.call("MMAP", "f", "f.bin", type, "WRITABLE");
        redis.call("VADD", "f", start);

        Object reply = redis.call("VINCRBYFLOAT", "f", 0, delta);
        assertThat(Double.parseDouble((String) reply)).isEqualTo(Double.parseDouble(expected));
        assertThat(redis.call("VGET", "f", 0)).isEqualTo(reply);
    }

    @ParameterizedTest(name = "{0} {1} + {2}")
    @CsvSource({
            "double, 1.7976931348623157e308, 1e308",
            "double, -1.7976931348623157e308, -1e308",
            "double, nan, 1",
            "double, 1, inf",
            "float, 3.4028235e38, 1e38",
            "float, -3.4028235e38, -1e38",
            "float, 1, 1e39",
            "float16, 65504, 100",
            "float16, -65504, -100",
            "float16, 1, 70000"})
    void vincrbyfloatRefusesNonFiniteResultsAndChangesNothing(String type, String start, String delta) {
        redis.call("MMAP", "f", "f.bin", type, "WRITABLE");
        redis.call("VADD", "f", start);
        byte[] before = fileBytes(server.path("f.bin"));

        redis.assertError(NOT_FINITE, "VINCRBYFLOAT", "f", 0, delta);
        assertThat(fileBytes(server.path("f.bin"))).isEqualTo(before);
    }

    @Test
    void refusedIncrementsChangeNothing() {
        redis.call("MMAP", "i", "i.bin", "int32", "WRITABLE");
        redis.call("VADD", "i", 7);
        redis.call("MMAP", "s", "s.bin", "string", "8", "WRITABLE");
        redis.call("VADD", "s", "abc");
        redis.call("MMAP", "ro", "i.bin", "int32");
        redis.call("MMAP", "d", "d.bin", "double", "WRITABLE");
        redis.call("VADD", "d", 1);

        assertThat(redis.error("VINCRBYFLOAT", "i", 0, "1.5")).startsWith("ERR VINCRBYFLOAT needs a floating-point type");
        assertThat(redis.error("VINCRBYFLOAT", "i", 0, "1")).startsWith("ERR VINCRBYFLOAT needs a floating-point type");
        assertThat(redis.error("VINCRBY", "s", 0, 1)).startsWith("ERR VINCRBY needs a numeric type");
        redis.assertError("ERR The file is not writable", "VINCRBY", "ro", 0, 1);
        redis.assertError("ERR index exceeds size", "VINCRBY", "i", 1, 1);
        redis.assertError("ERR index exceeds size", "VINCRBY", "i", -1, 1);
        redis.assertError("ERR index argument must be integer", "VINCRBY", "i", "zero", 1);
        redis.assertError("ERR value is not an integer or out of range", "VINCRBY", "i", 0, "1.5");
        redis.assertError("ERR value is not an integer or out of range", "VINCRBY", "i", 0, "9223372036854775808");
        redis.assertError("ERR value is not a valid float", "VINCRBYFLOAT", "d", 0, "abc");
        redis.assertError("ERR You must do MMAP first", "VINCRBY", "nokey", 0, 1);

        assertThat(fileBytes(server.path("i.bin"))).isEqualTo(ArrayClient.le(4, 7));
        assertThat(redis.call("VGET", "d", 0)).isEqualTo("1");
    }

    @Test
    void concurrentVincrbyLosesNoUpdate() throws Exception {
        redis.call("MMAP", "c", "c.bin", "int64", "WRITABLE");
        redis.call("VADD", "c", 0, 0);

        hammer("VINCRBY", "c", "1");

        assertThat(redis.call("VGET", "c", 1)).isEqualTo(160_000L);
        assertThat(redis.call("VGET", "c", 0)).isEqualTo(0L);
    }

    @Test
    void concurrentVincrbyfloatLosesNoUpdate() throws Exception {
        redis.call("MMAP", "c", "c.bin", "double", "WRITABLE");
        redis.call("VADD", "c", 0, 0);

        hammer("VINCRBYFLOAT", "c", "1.0");

        assertThat(redis.call("VGET", "c", 1)).isEqualTo("160000");
        assertThat(redis.call("VGET", "c", 0)).isEqualTo("0");
    }

    /** 16 clients, each on its own connection and thread, send 10,000 increments of element 1. */
    private void hammer(String command, String key, String delta) throws Exception {
        int clients = 16;
        List<Jedis> connections = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connections.add(server.jedis());
        }
        byte[][] args = {bytes(key), bytes("1"), bytes(delta)};
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> done = new ArrayList<>();
            for (Jedis jedis : connections) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        jedis.sendCommand(() -> bytes(command), args);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
    }

    private static byte[] bytes(String word) {
        return word.getBytes(StandardCharsets.UTF_8);
    }
}

package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.Numpy;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.redmap.it.ArrayClient.le;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC D: {@code VAGG SUM} and {@code AVG} over integer types never wrap. The sum is exact (an
 * integer reply when it fits in int64, else digits: a bulk string in RESP2, a big number in
 * RESP3), and AVG is that exact sum divided by the count, correctly rounded; Python's integers
 * (whose true division rounds correctly) are the reference.
 */
class ExactIntegerSumTest {
    /** argv: path, dtype, then slices "first:end". Prints per slice: the exact sum and (sum / len).hex(). */
    private static final String EXACT = """
            import sys
            import numpy as np
            path, dtype, *slices = sys.argv[1:]
            a = np.fromfile(path, dtype=dtype)
            for s in slices:
                first, end = map(int, s.split(':'))
                v = a[first:end].tolist()
                total = sum(v)
                print(total, (total / len(v)).hex())
            """;
    private static final long MAX = Long.MAX_VALUE;

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
    void int64SumsBeyondInt64AreExactDigits() throws Exception {
        Files.write(server.path("big.bin"), le(8, MAX, MAX, MAX, 5));
        assertThat(redis.call("MMAP", "big", "big.bin", "int64")).isEqualTo(4L);

        BigInteger exact = BigInteger.valueOf(MAX).multiply(BigInteger.valueOf(3)).add(BigInteger.valueOf(5));
        assertThat(redis.call("VAGG", "big", "SUM")).isEqualTo(exact.toString()).isEqualTo("27670116110564327426");
        assertThat(redis.call("VAGG", "big", "SUM", 0, 1)).isEqualTo("18446744073709551614");
        assertThat(redis.call("VAGG", "big", "SUM", 0, 0)).isEqualTo(MAX);
        assertThat(redis.call("VAGG", "big", "SUM", -1, -1)).isEqualTo(5L);
        // 27670116110564327426 / 4 = 6917529027641081856.5, whose nearest double is 2^62 * 1.5.
        assertThat(Double.parseDouble((String) redis.call("VAGG", "big", "AVG"))).isEqualTo(6.917529027641081856E18);
        assertThat(Double.parseDouble((String) redis.call("VAGG", "big", "AVG", 0, 2))).isEqualTo((double) MAX);
    }

    @Test
    void negativeSumsBeyondInt64AndSumsThatComeBackIntoRange() throws Exception {
        Files.write(server.path("neg.bin"), le(8, Long.MIN_VALUE, Long.MIN_VALUE, -1, MAX, MAX, 3));
        assertThat(redis.call("MMAP", "neg", "neg.bin", "int64")).isEqualTo(6L);

        assertThat(redis.call("VAGG", "neg", "SUM", 0, 2)).isEqualTo("-18446744073709551617");
        // The running total leaves int64 on the way; the whole sum is back in range.
        assertThat(redis.call("VAGG", "neg", "SUM")).isEqualTo(0L);
        assertThat(redis.call("VAGG", "neg", "AVG")).isEqualTo("0");
        assertThat(Double.parseDouble((String) redis.call("VAGG", "neg", "AVG", 0, 1))).isEqualTo(-0x1p63);
    }

    @Test
    void uint64SumsBeyondUint64AreExact() throws Exception {
        Files.write(server.path("u.bin"), le(8, -1, -1, -1));
        assertThat(redis.call("MMAP", "u", "u.bin", "uint64")).isEqualTo(3L);

        assertThat(redis.call("VAGG", "u", "SUM")).isEqualTo("55340232221128654845");
        assertThat(Double.parseDouble((String) redis.call("VAGG", "u", "AVG"))).isEqualTo(0x1p64);
    }

    @Test
    void resp3RepliesABigNumberAndRespTwoABulkString() throws Exception {
        Files.write(server.path("big.bin"), le(8, MAX, MAX, 1));
        redis.call("MMAP", "big", "big.bin", "int64");
        try (RawClient raw = new RawClient(server.port())) {
            raw.command("VAGG", "big", "SUM");
            assertThat(raw.readLine()).isEqualTo("$20\r\n");
            assertThat(raw.readLine()).isEqualTo("18446744073709551615\r\n");
            raw.command("VAGG", "big", "SUM", "2", "2");
            assertThat(raw.readLine()).isEqualTo(":1\r\n");

            raw.command("HELLO", "3");
            assertThat(raw.readLine()).startsWith("%");
            while (!raw.readLine().startsWith("proto")) {
                // skip HELLO's map to its proto entry
            }
            raw.command("PING");
            while (!raw.readLine().equals("+PONG\r\n")) {
                // the rest of HELLO's map
            }
            raw.command("VAGG", "big", "SUM");
            assertThat(raw.readLine()).isEqualTo("(18446744073709551615\r\n");
            raw.command("VAGG", "big", "SUM", "0", "0");
            assertThat(raw.readLine()).isEqualTo(":9223372036854775807\r\n");
        }
    }

    @ParameterizedTest(name = "{0} x {2}")
    @CsvSource({"int64, <i8, 1", "int64, <i8, 1000", "int64, <i8, 100000", "uint64, <u8, 9", "uint64, <u8, 100000",
            "int32, <i4, 100000", "uint32, <u4, 1000", "int16, <i2, 129"})
    void sumsAndMeansAgreeWithExactArithmetic(String type, String dtype, int n) {
        Numpy.assume();
        Random random = new Random(n * 31L + type.hashCode());
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            // Mostly huge values, a few small ones: running sums cross int64 both ways.
            values[i] = random.nextInt(4) == 0 ? random.nextInt(1000) - 500 : random.nextLong();
        }
        int size = Integer.parseInt(dtype.substring(2));
        String name = type + "-" + n + ".bin";
        try {
            Files.write(server.path(name), le(size, values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(redis.call("MMAP", name, name, type)).isEqualTo((long) n);
        long[][] bounds = {{0, -1}, {0, n / 2}, {n / 3, -1}, {-1, -1}};
        List<String> slices = new ArrayList<>();
        for (long[] bound : bounds) {
            long first = bound[0] < 0 ? n + bound[0] : bound[0];
            long last = bound[1] < 0 ? n + bound[1] : bound[1];
            slices.add(first + ":" + (last + 1));
        }
        List<String> args = new ArrayList<>(List.of(server.path(name).toString(), dtype));
        args.addAll(slices);
        List<String> expected = Numpy.run(EXACT, args);
        for (int i = 0; i < bounds.length; i++) {
            String[] sumAndMean = expected.get(i).split(" ");
            Object sum = redis.call("VAGG", name, "SUM", bounds[i][0], bounds[i][1]);
            assertThat(String.valueOf(sum)).as("%s SUM %s", name, slices.get(i)).isEqualTo(sumAndMean[0]);
            BigInteger exact = new BigInteger(sumAndMean[0]);
            boolean fits = exact.bitLength() < 64;
            assertThat(sum).as("an int64 is an integer reply, a larger sum digits").isInstanceOf(fits ? Long.class : String.class);
            double mean = Double.parseDouble((String) redis.call("VAGG", name, "AVG", bounds[i][0], bounds[i][1]));
            assertThat(Double.doubleToLongBits(mean)).as("%s AVG %s: %s vs %s", name, slices.get(i), mean, sumAndMean[1])
                    .isEqualTo(Double.doubleToLongBits(Double.parseDouble(sumAndMean[1])));
        }
    }

}

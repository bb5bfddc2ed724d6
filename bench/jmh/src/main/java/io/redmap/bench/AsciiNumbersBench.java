package io.redmap.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmap.protocol.AsciiNumbers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Integer formatting into the output buffer ({@link AsciiNumbers#writeLong}), 1024 values per
 * invocation into a direct buffer (as the server writes replies), and parsing them back
 * ({@link AsciiNumbers#parseLong(byte[], int, int)}, in place from one packed array as a VMGET's
 * indices are); the score is per value.
 * Kinds: {@code small} (0..999: counts, lengths), {@code index} (0..999,999), {@code long}
 * (random 64-bit values, negative ones included).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AsciiNumbersBench {
    static final int N = 1024;

    @Param({"small", "index", "long"})
    public String kind;

    private final long[] values = new long[N];
    private ByteBuf out;
    /** The values as text, back to back, and where each one starts (and the last ends). */
    private byte[] packed;
    private final int[] bounds = new int[N + 1];

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            values[i] = switch (kind) {
                case "small" -> random.nextInt(1000);
                case "index" -> random.nextInt(1_000_000);
                case "long" -> random.nextLong();
                default -> throw new IllegalArgumentException(kind);
            };
        }
        out = Unpooled.directBuffer(N * 21);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < N; i++) {
            bounds[i] = text.length();
            text.append(values[i]);
        }
        bounds[N] = text.length();
        packed = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @TearDown
    public void tearDown() {
        out.release();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int writeLong() {
        out.clear();
        for (long v : values) {
            AsciiNumbers.writeLong(out, v);
        }
        return out.writerIndex();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long parseLong() {
        long sum = 0;
        for (int i = 0; i < N; i++) {
            sum += AsciiNumbers.parseLong(packed, bounds[i], bounds[i + 1]);
        }
        return sum;
    }
}

package io.redmap.bench;

import io.redmap.type.FloatText;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Shortest round-trip text of doubles and floats ({@link FloatText#formatDouble},
 * {@link FloatText#formatFloat} as Strings; {@link FloatText#writeDouble},
 * {@link FloatText#writeFloat} into a byte array, as replies are written), over 1024 values per
 * invocation; the score is per value.
 * Kinds: {@code price} (2 decimals, 0..1000: what bench/run serves), {@code random} (full
 * 17-digit values in 0..1), {@code integer} (whole numbers), {@code wide} (random exponents:
 * the scientific layout).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FloatTextBench {
    static final int N = 1024;

    @Param({"price", "random", "integer", "wide"})
    public String kind;

    private final double[] doubles = new double[N];
    private final float[] floats = new float[N];
    private final byte[] out = new byte[N * FloatText.MAX_LENGTH];

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            double v = switch (kind) {
                case "price" -> Math.round(random.nextDouble() * 100_000) / 100.0;
                case "random" -> random.nextDouble();
                case "integer" -> random.nextInt(1_000_000);
                case "wide" -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-30, 30));
                default -> throw new IllegalArgumentException(kind);
            };
            doubles[i] = v;
            floats[i] = (float) v;
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void formatDouble(Blackhole bh) {
        for (double v : doubles) {
            bh.consume(FloatText.formatDouble(v));
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void formatFloat(Blackhole bh) {
        for (float v : floats) {
            bh.consume(FloatText.formatFloat(v));
        }
    }

    /** Returns the bytes written, so that the JIT cannot drop the work. */
    @Benchmark
    @OperationsPerInvocation(N)
    public int writeDouble() {
        int p = 0;
        for (double v : doubles) {
            p += FloatText.writeDouble(v, out, p);
        }
        return p;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int writeFloat() {
        int p = 0;
        for (float v : floats) {
            p += FloatText.writeFloat(v, out, p);
        }
        return p;
    }

    /** The JDK's own shortest digits, for reference (what formatDouble starts from). */
    @Benchmark
    @OperationsPerInvocation(N)
    public void jdkDoubleToString(Blackhole bh) {
        for (double v : doubles) {
            bh.consume(Double.toString(v));
        }
    }
}

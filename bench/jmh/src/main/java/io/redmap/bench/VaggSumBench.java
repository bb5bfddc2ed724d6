package io.redmap.bench;

import io.redmap.type.Aggregates;
import io.redmap.type.ElementType;
import io.redmap.type.NumericCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * VAGG SUM's numpy-exact sum of doubles ({@link Aggregates#sumFloating}) over {@code n} values in
 * native memory: below 2^20 values on the calling thread, from 2^20 split with the helper threads.
 * {@code vector} runs it with the Vector API module added (the launcher's way), {@code plain}
 * without (the plain loops); compare the two, and the sizes either side of 2^20 for the split.
 *   bench/jmh/run VaggSum
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VaggSumBench {
    @Param({"65536", "1048575", "1048576", "16777216"})
    public long n;

    private Arena arena;
    private MemorySegment values;
    private final NumericCodec codec = (NumericCodec) ElementType.DOUBLE.codec(8);

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        values = arena.allocate(n * 8, 64);
        SplittableRandom random = new SplittableRandom(7);
        for (long i = 0; i < n; i++) {
            values.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, random.nextDouble() * 1000);
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @Fork(jvmArgsPrepend = "--add-modules=jdk.incubator.vector") // Prepend: bench/jmh/run passes -jvmArgsAppend
    public double vector() {
        return Aggregates.sumFloating(codec, values, 0, n);
    }

    @Benchmark // without the module, as an embedding application that does not add it
    public double plain() {
        return Aggregates.sumFloating(codec, values, 0, n);
    }
}

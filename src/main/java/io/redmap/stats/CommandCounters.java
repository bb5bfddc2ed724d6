package io.redmap.stats;

import org.HdrHistogram.AtomicHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One command's figures for {@code INFO commandstats} and {@code latencystats}. Updated without a
 * lock and without allocating (commands that run outside the command lock, PING, update them from
 * several network threads); the histogram is made at the command's first timed call, as Redis
 * makes its own, so that commands never called cost no memory.
 */
public final class CommandCounters {
    /** Redis's range and precision: 1 ns to 1 s, two significant digits (LATENCY_HISTOGRAM_*). */
    private static final long LOWEST_NANOS = 1;
    private static final long HIGHEST_NANOS = 1_000_000_000L;
    private static final int DIGITS = 2;

    private final String name;
    private final LongAdder calls = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<AtomicHistogram> latency = new AtomicReference<>();

    CommandCounters(String name) {
        this.name = name;
    }

    /** The command's full name ({@code config|get}). */
    public String name() {
        return name;
    }

    void called(long elapsedNanos, boolean failed, boolean trackLatency) {
        calls.increment();
        nanos.add(elapsedNanos);
        if (failed) {
            this.failed.increment();
        }
        if (trackLatency) {
            histogram().recordValue(Math.clamp(elapsedNanos, LOWEST_NANOS, HIGHEST_NANOS));
        }
    }

    void rejected() {
        rejected.increment();
    }

    private AtomicHistogram histogram() {
        AtomicHistogram histogram = latency.get();
        if (histogram == null) {
            latency.compareAndSet(null, new AtomicHistogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS));
            histogram = latency.get();
        }
        return histogram;
    }

    public long calls() {
        return calls.sum();
    }

    public long nanos() {
        return nanos.sum();
    }

    public long rejectedCalls() {
        return rejected.sum();
    }

    public long failedCalls() {
        return failed.sum();
    }

    /** The latency histogram in nanoseconds, or null before the first timed call. */
    public AtomicHistogram latency() {
        return latency.get();
    }

    /**
     * LATENCY HISTOGRAM's buckets, as Redis's fillCommandCDF reads its histogram: at 1024 ns and each
     * power of two above, the bucket's highest value in microseconds and how many calls took at most
     * that long, for the buckets that add calls. Empty before the first timed call.
     */
    public List<long[]> cumulativeMicros() {
        AtomicHistogram histogram = latency.get();
        List<long[]> buckets = new ArrayList<>();
        if (histogram == null) {
            return buckets;
        }
        long total = histogram.getTotalCount();
        long previous = 0;
        for (long step = 1024; previous < total; step <<= 1) {
            // The last step is cut at the range's end, where the longest calls are clamped.
            long level = Math.min(step, HIGHEST_NANOS);
            long cumulative = histogram.getCountBetweenValues(0, level);
            if (cumulative > previous) {
                buckets.add(new long[] {histogram.highestEquivalentValue(level) / 1000, cumulative});
            }
            previous = cumulative;
        }
        return buckets;
    }

    void reset() {
        calls.reset();
        nanos.reset();
        rejected.reset();
        failed.reset();
        latency.set(null);
    }
}

package io.redmap.stats;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One command's figures for {@code INFO commandstats} and {@code latencystats}, updated without
 * allocating; the histogram is made at the command's first timed call, as Redis makes its own, so
 * that commands never called cost no memory.
 *
 * <p>Most commands run under the command lock, and so do the commands that read these figures
 * (INFO, LATENCY HISTOGRAM, CONFIG RESETSTAT): their counters are plain fields and a plain
 * histogram, which the lock orders. Atomic counters cost a locked instruction per update, four per
 * call (the call that records them was 4% of the CPU samples of a pipelined VGET over TLS). The commands that run outside the lock, on
 * several network threads at once (PING, ECHO, AUTH: {@code LOCK_FREE}; VGET, VMGET, VREAD and
 * VMREAD: {@code LOCK_FREE_READ}), count atomically, and record latencies in a histogram per
 * thread ({@link ThreadHistograms}).
 */
public final class CommandCounters {
    /** Redis's range and precision: 1 ns to 1 s, two significant digits (LATENCY_HISTOGRAM_*). */
    private static final long LOWEST_NANOS = 1;
    private static final long HIGHEST_NANOS = 1_000_000_000L;
    private static final int DIGITS = 2;

    private final String name;
    /** Whether calls may come from several threads at once (a LOCK_FREE or LOCK_FREE_READ command). */
    private final boolean shared;
    private long calls;
    private long nanos;
    private long failed;
    private final LongAdder sharedCalls = new LongAdder();
    private final LongAdder sharedNanos = new LongAdder();
    private final LongAdder sharedFailed = new LongAdder();
    /** Commands are refused before the lock is taken (arity, ACL, -MOVED), by any thread. */
    private final LongAdder rejected = new LongAdder();
    /** The latency histogram of a command run under the lock, made at its first timed call. */
    private final AtomicReference<Histogram> latency = new AtomicReference<>();
    /** The latency histograms of a shared command: one per thread that runs it. */
    private final ThreadHistograms sharedLatency = new ThreadHistograms(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);

    CommandCounters(String name, boolean shared) {
        this.name = name;
        this.shared = shared;
    }

    /** The command's full name ({@code config|get}). */
    public String name() {
        return name;
    }

    void called(long elapsedNanos, boolean failedCall, boolean trackLatency) {
        if (shared) {
            sharedCalls.increment();
            sharedNanos.add(elapsedNanos);
            if (failedCall) {
                sharedFailed.increment();
            }
        } else {
            calls++;
            nanos += elapsedNanos;
            if (failedCall) {
                failed++;
            }
        }
        if (trackLatency) {
            long clamped = Math.clamp(elapsedNanos, LOWEST_NANOS, HIGHEST_NANOS);
            if (shared) {
                sharedLatency.record(clamped);
            } else {
                histogram().recordValue(clamped);
            }
        }
    }

    void rejected() {
        rejected.increment();
    }

    private Histogram histogram() {
        Histogram histogram = latency.get();
        if (histogram == null) {
            latency.compareAndSet(null, new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS));
            histogram = latency.get();
        }
        return histogram;
    }

    public long calls() {
        return calls + sharedCalls.sum();
    }

    public long nanos() {
        return nanos + sharedNanos.sum();
    }

    public long rejectedCalls() {
        return rejected.sum();
    }

    public long failedCalls() {
        return failed + sharedFailed.sum();
    }

    /** The latency histogram in nanoseconds, or null before the first timed call. */
    public AbstractHistogram latency() {
        return shared ? sharedLatency.sum() : latency.get();
    }

    /**
     * LATENCY HISTOGRAM's buckets, as Redis's fillCommandCDF reads its histogram: at 1024 ns and each
     * power of two above, the bucket's highest value in microseconds and how many calls took at most
     * that long, for the buckets that add calls. Empty before the first timed call.
     */
    public List<long[]> cumulativeMicros() {
        AbstractHistogram histogram = latency();
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
        calls = 0;
        nanos = 0;
        failed = 0;
        sharedCalls.reset();
        sharedNanos.reset();
        sharedFailed.reset();
        rejected.reset();
        latency.set(null);
        sharedLatency.reset();
    }
}

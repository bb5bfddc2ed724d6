package io.redmap.type;

import io.redmap.SplitWork;

/**
 * The pairwise sums of a range's buffers of {@link #BUFFER} values, in order, for numpy's
 * running total (see {@link Aggregates}): the caller adds them one by one, as numpy does, so the
 * result has the same bits however they were computed. They are computed a window of buffers at
 * a time, a large window split between threads ({@link SplitWork}): the buffers' sums are
 * independent, only their addition is ordered.
 */
final class BufferSums {
    /** numpy's default ufunc buffer size (numpy.getbufsize()). */
    static final long BUFFER = 8192;
    /** Buffers computed at a time: 512 KiB of sums for up to 512M values. */
    private static final int WINDOW = 1 << 16;
    /**
     * Ranges of fewer values are summed on the calling thread alone: waking a helper and waiting
     * for it costs a few tens of microseconds, while 2^20 doubles take 100 to 350 (8 MB at 20 to
     * 70 GB/s). A first guess from noisy runs; bench/jmh's VaggSumBench measures either side.
     */
    static final long SPLIT_MIN_VALUES = 1L << 20;

    /** The pairwise sum of {@code n} values from byte {@code at}. */
    @FunctionalInterface
    interface Pairwise {
        double sum(long at, long n);
    }

    private final long offset;
    private final long count;
    private final int size;
    private final Pairwise pairwise;
    private final boolean split;
    private final double[] window;
    private long nextBuffer;
    private int filled;
    private int read;

    /** The sums of {@code count} values of {@code size} bytes from byte {@code offset}. */
    BufferSums(long offset, long count, int size, Pairwise pairwise) {
        this.offset = offset;
        this.count = count;
        this.size = size;
        this.pairwise = pairwise;
        this.split = count >= SPLIT_MIN_VALUES;
        this.window = new double[(int) Math.min(WINDOW, buffers(count))];
    }

    private static long buffers(long count) {
        return (count + BUFFER - 1) / BUFFER;
    }

    boolean hasNext() {
        return read < filled || nextBuffer < buffers(count);
    }

    /** The next buffer's sum (a float32 sum is held exactly). */
    double next() {
        if (read == filled) {
            fill();
        }
        return window[read++];
    }

    private void fill() {
        long first = nextBuffer;
        int n = (int) Math.min(window.length, buffers(count) - first);
        SplitWork.run(n, SplitWork.chunks(n, split), (chunk, from, to) -> {
            for (long b = from; b < to; b++) {
                long start = (first + b) * BUFFER;
                window[(int) b] = pairwise.sum(offset + start * size, Math.min(BUFFER, count - start));
            }
        });
        nextBuffer += n;
        filled = n;
        read = 0;
    }
}

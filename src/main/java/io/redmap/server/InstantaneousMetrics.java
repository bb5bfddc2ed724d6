package io.redmap.server;

/**
 * INFO's {@code instantaneous_ops_per_sec}, {@code instantaneous_input_kbps} and
 * {@code instantaneous_output_kbps}: as Redis, rates over a window of recent samples (here one a
 * second, the last 16), not since start.
 */
public final class InstantaneousMetrics {
    private static final int SAMPLES = 16;

    private final ServerStats stats;
    private final long[] nanos = new long[SAMPLES];
    private final long[] commands = new long[SAMPLES];
    private final long[] bytesIn = new long[SAMPLES];
    private final long[] bytesOut = new long[SAMPLES];
    private int taken;

    InstantaneousMetrics(ServerStats stats) {
        this.stats = stats;
    }

    /** Takes a sample of the counters (once a second, from the housekeeping task). */
    public synchronized void sample() {
        int slot = taken % SAMPLES;
        nanos[slot] = System.nanoTime();
        commands[slot] = stats.commandsProcessed.sum();
        bytesIn[slot] = stats.bytesRead.sum();
        bytesOut[slot] = stats.bytesWritten.sum();
        taken++;
    }

    public synchronized long opsPerSecond() {
        return Math.round(rate(commands));
    }

    public synchronized double inputKbps() {
        return rate(bytesIn) / 1024;
    }

    public synchronized double outputKbps() {
        return rate(bytesOut) / 1024;
    }

    /** Per second, between the oldest and the newest sample kept (0 before two samples, or after a reset). */
    private double rate(long[] counter) {
        if (taken < 2) {
            return 0;
        }
        int newest = (taken - 1) % SAMPLES;
        int oldest = taken < SAMPLES ? 0 : taken % SAMPLES;
        double seconds = (nanos[newest] - nanos[oldest]) / 1e9;
        long delta = counter[newest] - counter[oldest];
        return seconds <= 0 || delta < 0 ? 0 : delta / seconds;
    }
}

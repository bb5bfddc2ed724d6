package io.redmap;

/**
 * The time, read once per batch of requests instead of once per request.
 *
 * <p>A pipelined load runs a million requests a second; reading the clock for each of them (for a
 * client's idle time, for how long ago a file was last checked on disk) cost more than the
 * command itself. Like Redis's cached {@code server.mstime}, the connection handler
 * {@link #tick() ticks} this clock when it starts a batch, and everything inside the batch reads
 * the same instant: good enough for idle times in seconds and checks throttled to a fraction of a
 * millisecond.
 */
public final class BatchClock {
    private static volatile long nanos = System.nanoTime();
    private static volatile long millis = System.currentTimeMillis();

    private BatchClock() {
    }

    /** Reads the clocks: called at the start of each batch of requests. */
    public static void tick() {
        nanos = System.nanoTime();
        millis = System.currentTimeMillis();
    }

    /** {@link System#nanoTime()} as of the last tick. */
    public static long nanos() {
        return nanos;
    }

    /** {@link System#currentTimeMillis()} as of the last tick. */
    public static long millis() {
        return millis;
    }
}

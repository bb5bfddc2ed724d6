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
 *
 * <p>A tick reads one clock, the monotonic one: on a virtual machine with {@code kvm-clock} each
 * reading is slow (see {@link io.redmap.stats.CommandClock}). The wall-clock milliseconds are derived from it, from a pair of
 * readings of both clocks that {@link #resync()} renews every second, so they follow the wall
 * clock's corrections within a second.
 */
public final class BatchClock {
    /** A reading of both clocks at the same instant. */
    private record Anchor(long nanos, long millis) {
        static Anchor now() {
            return new Anchor(System.nanoTime(), System.currentTimeMillis());
        }
    }

    private static volatile Anchor anchor = Anchor.now();
    private static volatile long nanos = anchor.nanos();
    private static volatile long millis = anchor.millis();

    private BatchClock() {
    }

    /** Reads the clock: called at the start of each batch of requests. */
    public static void tick() {
        long now = System.nanoTime();
        Anchor at = anchor;
        nanos = now;
        millis = at.millis() + (now - at.nanos()) / 1_000_000;
    }

    /** Reads the wall clock again (every second, by the server's housekeeping). */
    public static void resync() {
        anchor = Anchor.now();
        tick();
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

package io.redmap.stats;

/**
 * One connection's clock for timing its commands with one clock read per command instead of two.
 *
 * <p>A command's time (INFO commandstats, latencystats, the slow log, the latency monitor) is
 * the difference of two readings of {@link System#nanoTime()}. On a virtual machine whose clock
 * source is {@code kvm-clock} a reading is slow (a paravirtual clock read, tens of nanoseconds
 * or more): with two readings per command, {@code clock_gettime} was 6% of the server's CPU
 * samples during a pipelined VGET load over TLS, 3.4% with one. Within a batch of requests
 * read together from one connection the commands run back to back, so the reading that ends one
 * command starts the next, and the batch's first command starts at the reading the connection
 * took when the batch began ({@code BatchClock.tick}). What a command's time then also holds is the
 * little work between two commands of a batch: decoding the next request and the checks before it
 * runs (ACL, cluster routing), a fraction of a microsecond.
 *
 * <p>Outside a batch (a replication link applying its master's stream, a connection between
 * batches) a command reads the clock twice, as before. Only the connection's event loop uses it.
 */
public final class CommandClock {
    private boolean inBatch;
    private long lastReading;

    /** A batch of requests begins, at {@code nanos} (the reading the connection just took). */
    public void batchStarted(long nanos) {
        inBatch = true;
        lastReading = nanos;
    }

    /** The batch's replies are sent: the next command reads its own start. */
    public void batchEnded() {
        inBatch = false;
    }

    /** When the command about to run starts. */
    public long start() {
        return inBatch ? lastReading : System.nanoTime();
    }

    /** Reads the clock at the end of a command: its end, and the next one's start within a batch. */
    public long end() {
        long now = System.nanoTime();
        lastReading = now;
        return now;
    }
}

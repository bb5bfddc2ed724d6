package io.redmap.server;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Produces the chunks of an event loop's streamed replies, a bounded slice of time per turn of the
 * loop, so that clients with small requests are not kept waiting behind many large replies.
 *
 * <p>Each connection whose stream may go on (it has one, and its channel is writable) waits here
 * in turn. One task takes them round-robin, a short turn each, until {@link #SLICE_NANOS} have passed,
 * then yields: the loop reads and answers its other clients before the next slice. With a hundred
 * clients each reading a huge reply, a PING or a VGET waits for one slice, not for a chunk of each
 * of the hundred.
 *
 * <p>One pump per event loop thread; it is only ever used from that thread.
 */
final class StreamPump {
    /** A connection whose stream produces its next chunks. */
    interface Source {
        /**
         * Writes its stream on until {@code deadline} ({@link System#nanoTime()}), at least one chunk.
         *
         * @return whether it has more to write now (its channel is still writable)
         */
        boolean writeUntil(long deadline);
    }

    /**
     * Stream work between two turns of the loop: short enough that a small request barely waits,
     * long enough that a turn costs little beside it.
     */
    static final long SLICE_NANOS = 20_000;
    /** What one stream may take of a slice before the next one's turn. */
    private static final long TURN_NANOS = 10_000;

    private static final ThreadLocal<StreamPump> PUMPS = ThreadLocal.withInitial(StreamPump::new);

    private final ArrayDeque<Source> ready = new ArrayDeque<>();
    private boolean scheduled;

    /** The pump of the calling event loop thread. */
    static StreamPump current() {
        return PUMPS.get();
    }

    /** Queues {@code source} for a chunk (the caller knows it is not queued yet). */
    void add(Source source, EventExecutor loop) {
        ready.add(source);
        if (!scheduled) {
            scheduled = true;
            // Scheduled, not submitted: Netty takes scheduled tasks once per turn of the loop,
            // after it has served the sockets. Due at once: a delay, even of 1 us, makes the loop
            // arm a timer and sleep on it between two slices (bench/special/vmread: half the
            // throughput of 768 KB replies at -c 10).
            loop.schedule(() -> run(loop), 0, TimeUnit.NANOSECONDS);
        }
    }

    private void run(EventExecutor loop) {
        scheduled = false;
        long end = System.nanoTime() + SLICE_NANOS;
        while (!ready.isEmpty()) {
            Source source = ready.poll();
            if (source.writeUntil(Math.min(end, System.nanoTime() + TURN_NANOS))) {
                ready.add(source);
            }
            if (System.nanoTime() >= end) {
                break;
            }
        }
        if (!ready.isEmpty() && !scheduled) {
            scheduled = true;
            loop.schedule(() -> run(loop), 0, TimeUnit.NANOSECONDS);
        }
    }
}

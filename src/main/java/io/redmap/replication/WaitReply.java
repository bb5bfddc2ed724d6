package io.redmap.replication;

import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyStream;

import java.util.function.Consumer;

/**
 * WAIT's reply while it blocks: paused until enough replicas have acknowledged the offset, or the
 * timeout passes; then the number of replicas that have. The connection holds it like a streamed
 * reply, so the client's next requests wait behind it, as they do in Redis.
 */
final class WaitReply implements ReplyStream {
    private final long offset;
    private final int wanted;
    private final Consumer<WaitReply> onClose;
    private volatile boolean done;
    private volatile int acknowledged;
    private volatile Runnable resume;

    WaitReply(long offset, int wanted, Consumer<WaitReply> onClose) {
        this.offset = offset;
        this.wanted = wanted;
        this.onClose = onClose;
    }

    long offset() {
        return offset;
    }

    int wanted() {
        return wanted;
    }

    /** Under the command lock: the answer is known (enough acknowledgements, or the timeout). */
    void finish(int count) {
        if (done) {
            return;
        }
        acknowledged = count;
        done = true;
        Runnable wake = resume;
        if (wake != null) {
            wake.run();
        }
    }

    boolean done() {
        return done;
    }

    @Override
    public boolean paused() {
        return !done;
    }

    @Override
    public void resumeWith(Runnable resume) {
        this.resume = resume;
        if (done) {
            resume.run();
        }
    }

    @Override
    public boolean writeChunk(Reply reply) {
        reply.integer(acknowledged);
        return true;
    }

    @Override
    public void close() {
        onClose.accept(this);
    }
}

package io.redmap.protocol;

/**
 * A reply that a command started and another thread finishes (MIGRATE, which waits for its
 * target): paused until {@link #complete} or {@link #fail}, then one simple string or one error.
 * The connection holds it like a streamed reply, so the client's next requests wait behind it.
 */
public final class PendingReply implements ReplyStream {
    private String simple;
    private String error;
    private Runnable resume;

    /** Finishes with {@code +text}. */
    public void complete(String text) {
        finish(text, null);
    }

    /** Finishes with {@code -codeAndMessage}. */
    public void fail(String codeAndMessage) {
        finish(null, codeAndMessage);
    }

    private void finish(String simpleText, String errorText) {
        Runnable wake;
        synchronized (this) {
            if (simple != null || error != null) {
                return;
            }
            simple = simpleText;
            error = errorText;
            wake = resume;
        }
        if (wake != null) {
            wake.run();
        }
    }

    @Override
    public synchronized boolean paused() {
        return simple == null && error == null;
    }

    @Override
    public void resumeWith(Runnable resume) {
        boolean done;
        synchronized (this) {
            this.resume = resume;
            done = simple != null || error != null;
        }
        if (done) {
            resume.run();
        }
    }

    @Override
    public synchronized boolean writeChunk(Reply reply) {
        if (error != null) {
            reply.error(error);
        } else {
            reply.simple(simple);
        }
        return true;
    }

    @Override
    public void close() {
        // Nothing held: the thread that finishes it owns its work.
    }
}

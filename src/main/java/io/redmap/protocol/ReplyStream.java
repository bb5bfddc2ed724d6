package io.redmap.protocol;

/**
 * A reply too large to build at once (VALL of millions of elements, a big VREAD): the connection
 * writes it a chunk at a time, flushing each and letting its thread serve other clients in
 * between, and asks for the next chunk only once the client has read enough of the previous ones
 * (back-pressure). So one huge reply neither blocks everyone nor fills memory, and a slow reader
 * still gets all of it.
 */
public interface ReplyStream {
    /**
     * Writes the next part of the reply.
     *
     * @return true when the reply is complete
     */
    boolean writeChunk(Reply reply);

    /**
     * Whether the reply waits for something to happen (WAIT for replicas' acknowledgements) before
     * its next chunk; it then calls the runnable given to {@link #resumeWith}.
     */
    default boolean paused() {
        return false;
    }

    /** What to call, from any thread, once a {@link #paused} reply may go on. */
    default void resumeWith(Runnable resume) {
    }

    /** The stream is finished or abandoned: release what it holds. */
    default void close() {
    }
}

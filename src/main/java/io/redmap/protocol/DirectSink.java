package io.redmap.protocol;

import io.netty.buffer.ByteBuf;

import java.lang.foreign.MemorySegment;

/**
 * A connection's socket, written straight from memory: a large VMREAD's rows go from the mapping
 * into the socket with one copy by the kernel, as Redis writes a string from its own memory,
 * instead of a copy into an output buffer first and a second one from there. Only while nothing
 * of the connection's earlier output waits to be sent (the bytes must go out in order), and only
 * on plaintext connections (TLS encrypts in its own buffers).
 */
public interface DirectSink {
    /** The most slices of a mapping one {@link #send} takes (the rows of a gather). */
    int MAX_SLICES = 256;

    /**
     * Sends {@code pending}'s readable bytes, then {@code count} (at most {@link #MAX_SLICES})
     * slices of {@code source} in a row, slice i starting at offset {@code slices[2i]} with
     * {@code slices[2i + 1]} bytes (the rows of a VMREAD, as they lie in the mapping), as far as
     * the socket takes them now (it never blocks); what it took of {@code pending} is skipped
     * there. The caller holds what keeps {@code source} mapped.
     *
     * @return how many bytes of the slices were sent, counted from the first slice: 0 when the
     *     socket is full, or when the connection has other output waiting
     * @throws IllegalStateException when the socket refuses the bytes (the memory is gone, the
     *     connection is broken): the connection must be closed
     */
    long send(ByteBuf pending, MemorySegment source, long[] slices, int count);
}

package io.redmap.protocol;

/**
 * The small arrays a {@link Reply} formats numbers and frames in, kept by a connection for all
 * the replies it writes: a pipelined VGET allocated them afresh for every request, 44% of the
 * bytes the request path allocated. Only one reply of a connection is written at a time (its
 * event loop's), so they are never shared by two replies at once.
 */
public final class ReplyScratch {
    final byte[] number = new byte[Reply.SCRATCH_BYTES];
    final byte[] frame = new byte[2 * Reply.SCRATCH_BYTES];
}

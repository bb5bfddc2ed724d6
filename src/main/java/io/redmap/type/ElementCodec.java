package io.redmap.type;

import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;

/**
 * How the values of one element type are stored, parsed and replied: the one place that knows
 * a type's bytes. Values are little-endian and packed, at any alignment.
 *
 * <p>{@link #parse} writes into a staging segment, never into the file: a command parses all of
 * its values first and copies them to the mapping only when every one was valid.
 */
public interface ElementCodec {
    /** The type this codec serves. */
    ElementType type();

    /** Bytes per value. */
    int size();

    /**
     * Parses one value's text and writes its bytes at {@code offset}.
     *
     * @throws io.redmap.RedmapException {@code ERR value must be ...} when the text is not a value
     *     of this type
     */
    void parse(byte[] text, MemorySegment target, long offset);

    /** Replies the value stored at {@code offset}. */
    void reply(MemorySegment source, long offset, Reply reply);

    /**
     * Replies the values stored at {@code offsets}, in order (VMGET's values). The array is the
     * codec's to reuse: its entries are overwritten.
     */
    default void replyAll(MemorySegment source, long[] offsets, Reply reply) {
        for (long offset : offsets) {
            reply(source, offset, reply);
        }
    }

    /** The numpy dtype string ({@code <f8}), or null when numpy has none for this type. */
    String npyDescr();
}

package io.redmap.type;

import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A big-endian view of a numeric type (numpy's {@code >f8}, {@code >i4}...): every value's bytes
 * are reversed into a scratch buffer and handed to the little-endian codec, so that each type
 * is still described in one place.
 */
public final class ByteSwappedCodec implements NumericCodec {
    private final NumericCodec inner;

    private ByteSwappedCodec(NumericCodec inner) {
        this.inner = inner;
    }

    /** The big-endian codec of a numeric type. */
    public static ElementCodec of(ElementCodec littleEndian) {
        if (!(littleEndian instanceof NumericCodec numeric)) {
            throw new IllegalArgumentException(littleEndian.type() + " has no byte order");
        }
        return new ByteSwappedCodec(numeric);
    }

    private MemorySegment swapped(MemorySegment source, long offset) {
        int size = inner.size();
        MemorySegment scratch = MemorySegment.ofArray(new byte[size]);
        for (int i = 0; i < size; i++) {
            scratch.set(ValueLayout.JAVA_BYTE, i, source.get(ValueLayout.JAVA_BYTE, offset + size - 1 - i));
        }
        return scratch;
    }

    private void storeSwapped(MemorySegment scratch, MemorySegment target, long offset) {
        int size = inner.size();
        for (int i = 0; i < size; i++) {
            target.set(ValueLayout.JAVA_BYTE, offset + i, scratch.get(ValueLayout.JAVA_BYTE, size - 1 - i));
        }
    }

    @Override
    public ElementType type() {
        return inner.type();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        MemorySegment scratch = MemorySegment.ofArray(new byte[inner.size()]);
        inner.parse(text, scratch, 0);
        storeSwapped(scratch, target, offset);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        inner.reply(swapped(source, offset), 0, reply);
    }

    @Override
    public String npyDescr() {
        String descr = inner.npyDescr();
        return descr == null ? null : ">" + descr.substring(1);
    }

    @Override
    public boolean isInteger() {
        return inner.isInteger();
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return inner.readDouble(swapped(source, offset), 0);
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        return inner.readLong(swapped(source, offset), 0);
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        MemorySegment scratch = swapped(target, offset);
        inner.incrementBy(scratch, 0, delta);
        storeSwapped(scratch, target, offset);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        MemorySegment scratch = swapped(target, offset);
        inner.incrementByFloat(scratch, 0, delta);
        storeSwapped(scratch, target, offset);
    }
}

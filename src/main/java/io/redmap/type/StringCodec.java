package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;

/** Fixed-size byte strings, zero-padded; a value replies up to its first NUL byte. */
final class StringCodec implements ElementCodec {
    private static final RedmapException TOO_LONG = RedmapException.err("value is too long");

    private final int size;

    StringCodec(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a string type needs a positive value size, not " + size);
        }
        this.size = size;
    }

    @Override
    public ElementType type() {
        return ElementType.STRING;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        if (text.length > size) {
            throw TOO_LONG;
        }
        MemorySegment.copy(MemorySegment.ofArray(text), 0, target, offset, text.length);
        target.asSlice(offset + text.length, size - text.length).fill((byte) 0);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        int length = 0;
        while (length < size && source.get(Layouts.BYTE, offset + length) != 0) {
            length++;
        }
        reply.bulk(source, offset, length);
    }

    @Override
    public String npyDescr() {
        return "|S" + size;
    }
}

package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * x87 80-bit extended precision in 16 bytes, as gcc stores {@code long double} on x86-64.
 * Replies a bulk string (RESP3 has no double that precise) exact enough to round-trip.
 */
final class LongDoubleCodec implements ElementCodec {
    private static final RedmapException INVALID = RedmapException.err("value must be long double");

    @Override
    public ElementType type() {
        return ElementType.LONG_DOUBLE;
    }

    @Override
    public int size() {
        return 16;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        byte[] bytes = new byte[16];
        try {
            LongDouble.parse(new String(text, StandardCharsets.ISO_8859_1), bytes);
        } catch (NumberFormatException e) {
            throw INVALID;
        }
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, target, offset, 16);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        reply.bulk(LongDouble.format(source, offset));
    }

    @Override
    public String npyDescr() {
        return "<f16";
    }
}

package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** bfloat16 (the top half of a float32): decimal input rounded to nearest even. numpy has no dtype for it. */
final class BFloat16Codec implements ElementCodec {
    private static final RedmapException INVALID = RedmapException.err("value must be bfloat16");

    @Override
    public ElementType type() {
        return ElementType.BFLOAT16;
    }

    @Override
    public int size() {
        return 2;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        short bits;
        try {
            bits = BFloat16.parse(new String(text, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw INVALID;
        }
        target.set(Layouts.SHORT, offset, bits);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        reply.doubleText(BFloat16.format(source.get(Layouts.SHORT, offset)));
    }

    @Override
    public String npyDescr() {
        return null;
    }
}

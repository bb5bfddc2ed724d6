package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** IEEE binary16 ("float16", numpy's f2): decimal input rounded to nearest even. */
final class HalfFloatCodec implements ElementCodec {
    private static final RedmapException INVALID = RedmapException.err("value must be float16");

    @Override
    public ElementType type() {
        return ElementType.FLOAT16;
    }

    @Override
    public int size() {
        return 2;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        short bits;
        try {
            bits = HalfFloat.parse(new String(text, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw INVALID;
        }
        target.set(Layouts.SHORT, offset, bits);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        reply.doubleText(HalfFloat.format(source.get(Layouts.SHORT, offset)));
    }

    @Override
    public String npyDescr() {
        return "<f2";
    }
}

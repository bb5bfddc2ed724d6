package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** IEEE binary16 ("float16", numpy's f2): decimal input rounded to nearest even. */
final class HalfFloatCodec implements NumericCodec {
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
    public boolean isInteger() {
        return false;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return HalfFloat.toDouble(source.get(Layouts.SHORT, offset));
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        throw new UnsupportedOperationException("HalfFloatCodec values are not integers");
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        incrementByFloat(target, offset, delta);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        double result = readDouble(target, offset) + delta;
        short bits;
        try {
            bits = HalfFloat.parse(Double.toString(result));
        } catch (NumberFormatException e) {
            throw Errors.NOT_FINITE;
        }
        if (!Double.isFinite(result)) {
            throw Errors.NOT_FINITE;
        }
        target.set(Layouts.SHORT, offset, bits);
    }

    @Override
    public String npyDescr() {
        return "<f2";
    }
}

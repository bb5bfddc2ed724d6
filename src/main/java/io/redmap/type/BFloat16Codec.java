package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** bfloat16 (the top half of a float32): decimal input rounded to nearest even. numpy has no dtype for it. */
final class BFloat16Codec implements NumericCodec {
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
    public boolean isInteger() {
        return false;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return BFloat16.toDouble(source.get(Layouts.SHORT, offset));
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        throw new UnsupportedOperationException("BFloat16Codec values are not integers");
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
            bits = BFloat16.parse(Double.toString(result));
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
        return null;
    }
}

package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** float64: replies the shortest text that reads back to the same double. */
final class DoubleCodec implements NumericCodec {
    private static final RedmapException INVALID = RedmapException.err("value must be double");

    @Override
    public ElementType type() {
        return ElementType.DOUBLE;
    }

    @Override
    public int size() {
        return 8;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        double value;
        try {
            value = FloatText.parseDouble(new String(text, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw INVALID;
        }
        target.set(Layouts.DOUBLE, offset, value);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        reply.doubleText(FloatText.formatDouble(source.get(Layouts.DOUBLE, offset)));
    }

    @Override
    public boolean isInteger() {
        return false;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return source.get(Layouts.DOUBLE, offset);
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        throw new UnsupportedOperationException("DoubleCodec values are not integers");
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        incrementByFloat(target, offset, delta);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        double result = readDouble(target, offset) + delta;
        if (!Double.isFinite(result)) {
            throw Errors.NOT_FINITE;
        }
        target.set(Layouts.DOUBLE, offset, result);
    }

    @Override
    public String npyDescr() {
        return "<f8";
    }
}

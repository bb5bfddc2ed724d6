package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** float32: out of float range is an error; replies the shortest text that reads back the same float. */
final class FloatCodec implements NumericCodec {
    private static final RedmapException INVALID = RedmapException.err("value must be float");

    @Override
    public ElementType type() {
        return ElementType.FLOAT;
    }

    @Override
    public int size() {
        return 4;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        float value;
        try {
            value = FloatText.parseFloat(new String(text, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw INVALID;
        }
        target.set(Layouts.FLOAT, offset, value);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        reply.doubleText(FloatText.formatFloat(source.get(Layouts.FLOAT, offset)));
    }

    @Override
    public boolean isInteger() {
        return false;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return source.get(Layouts.FLOAT, offset);
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        throw new UnsupportedOperationException("FloatCodec values are not integers");
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        incrementByFloat(target, offset, delta);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        double result = readDouble(target, offset) + delta;
        float rounded = (float) result;
        if (!Float.isFinite(rounded)) {
            throw Errors.NOT_FINITE;
        }
        target.set(Layouts.FLOAT, offset, rounded);
    }

    @Override
    public String npyDescr() {
        return "<f4";
    }
}

package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Binary floating-point values (double, float, float16, bfloat16), each described by its
 * {@link FloatFormat}: replies are the shortest text that reads back to the same value, as a
 * RESP3 double; text beyond the format's range is refused, not turned into infinity.
 */
final class FloatingCodec implements NumericCodec {
    private final ElementType type;
    private final FloatFormat format;
    private final String npyDescr;
    private final RedmapException invalid;

    FloatingCodec(ElementType type, FloatFormat format, String npyDescr) {
        this.type = type;
        this.format = format;
        this.npyDescr = npyDescr;
        this.invalid = RedmapException.err("value must be " + format.errorName);
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public int size() {
        return format.bytes;
    }

    private long readBits(MemorySegment source, long offset) {
        return switch (format.bytes) {
            case 8 -> source.get(Layouts.LONG, offset);
            case 4 -> source.get(Layouts.INT, offset);
            default -> source.get(Layouts.SHORT, offset);
        };
    }

    private void writeBits(MemorySegment target, long offset, long bits) {
        switch (format.bytes) {
            case 8 -> target.set(Layouts.LONG, offset, bits);
            case 4 -> target.set(Layouts.INT, offset, (int) bits);
            default -> target.set(Layouts.SHORT, offset, (short) bits);
        }
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        long bits;
        try {
            bits = format.parse(new String(text, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw invalid;
        }
        writeBits(target, offset, bits);
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        byte[] text = reply.scratch();
        reply.doubleText(text, format.write(readBits(source, offset), text));
    }

    @Override
    public void replyAll(MemorySegment source, long[] offsets, Reply reply) {
        // Every value is read before any is formatted: the reads of a random gather miss the
        // cache, and independent loads in a tight loop wait for memory together, where a load
        // between two formattings waits alone.
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = readBits(source, offsets[i]);
        }
        byte[] text = reply.scratch();
        reply.reserveDoubles(offsets.length);
        for (long bits : offsets) {
            reply.doubleText(text, format.write(bits, text));
        }
    }

    @Override
    public String npyDescr() {
        return npyDescr;
    }

    @Override
    public boolean isInteger() {
        return false;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return format.toDouble(readBits(source, offset));
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        throw new UnsupportedOperationException(type.canonicalName() + " values are not integers");
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        incrementByFloat(target, offset, delta);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        double result = readDouble(target, offset) + delta;
        long bits;
        try {
            bits = format.fromDouble(result);
        } catch (NumberFormatException e) {
            throw Errors.NOT_FINITE;
        }
        if (!Double.isFinite(format.toDouble(bits))) {
            throw Errors.NOT_FINITE;
        }
        writeBits(target, offset, bits);
    }
}

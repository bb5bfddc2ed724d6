package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * x87 80-bit extended precision in 16 bytes, as gcc stores {@code long double} on x86-64.
 * Replies a bulk string (RESP3 has no double that precise) exact enough to round-trip.
 */
final class LongDoubleCodec implements NumericCodec {
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
    public boolean isInteger() {
        return false;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return LongDouble.toDouble(source, offset);
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        throw new UnsupportedOperationException("LongDoubleCodec values are not integers");
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        incrementByFloat(target, offset, delta);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        double result = readDouble(target, offset) + delta;
        // The sum is taken exactly in decimal and rounded once to 80 bits, so that no precision
        // is lost to a double on the way.
        if (!Double.isFinite(delta)) {
            throw Errors.NOT_FINITE;
        }
        String current = LongDouble.format(target, offset);
        if (current.equals("inf") || current.equals("-inf") || current.equals("nan")) {
            throw Errors.NOT_FINITE;
        }
        java.math.BigDecimal sum = new java.math.BigDecimal(current).add(new java.math.BigDecimal(delta));
        try {
            LongDouble.parse(sum.toString(), target, offset);
        } catch (NumberFormatException e) {
            throw Errors.NOT_FINITE;
        }
    }

    @Override
    public String npyDescr() {
        return "<f16";
    }
}

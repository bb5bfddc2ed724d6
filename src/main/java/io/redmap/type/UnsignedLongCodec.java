package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;

/** uint64: values above 2^63-1 reply as a RESP3 big number (RESP2: a bulk string of digits). */
final class UnsignedLongCodec implements NumericCodec {
    private static final RedmapException OUT_OF_RANGE = RedmapException.err("value must be uint64");

    @Override
    public ElementType type() {
        return ElementType.UINT64;
    }

    @Override
    public int size() {
        return 8;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        long bits;
        try {
            bits = AsciiNumbers.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw isInteger(text) ? OUT_OF_RANGE : Errors.VALUE_MUST_BE_INTEGER;
        }
        target.set(Layouts.LONG, offset, bits);
    }

    /** An integer outside uint64's range (negative, or beyond 2^64-1) is a range error, not a syntax one. */
    private static boolean isInteger(byte[] text) {
        int start = text.length > 1 && text[0] == '-' ? 1 : 0;
        if (text.length == start || text[start] < '1' || text[start] > '9') {
            return false;
        }
        for (int i = start; i < text.length; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        long bits = source.get(Layouts.LONG, offset);
        if (bits >= 0) {
            reply.integer(bits);
        } else {
            reply.bigNumber(Long.toUnsignedString(bits));
        }
    }

    @Override
    public boolean isInteger() {
        return true;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        long bits = source.get(Layouts.LONG, offset);
        return bits >= 0 ? bits : (double) (bits >>> 1) * 2.0 + (bits & 1);
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        return source.get(Layouts.LONG, offset);
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        long current = target.get(Layouts.LONG, offset);
        long result = current + delta;
        // Unsigned overflow: adding a positive delta must not wrap below, a negative one above.
        boolean wrapped = delta >= 0 ? Long.compareUnsigned(result, current) < 0 : Long.compareUnsigned(result, current) > 0;
        if (wrapped) {
            throw Errors.OVERFLOW;
        }
        target.set(Layouts.LONG, offset, result);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        throw Errors.NOT_FLOATING;
    }

    @Override
    public String npyDescr() {
        return "<u8";
    }
}

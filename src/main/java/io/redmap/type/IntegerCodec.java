package io.redmap.type;

import io.redmap.RedmapException;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.protocol.Reply;

import java.lang.foreign.MemorySegment;

/** Signed and unsigned integers of 1, 2 and 4 bytes, and signed 64-bit: all fit a Java long. */
final class IntegerCodec implements NumericCodec {
    private final ElementType type;
    private final int size;
    private final boolean signed;
    private final long min;
    private final long max;
    private final RedmapException outOfRange;

    IntegerCodec(ElementType type, int size, boolean signed) {
        this.type = type;
        this.size = size;
        this.signed = signed;
        int bits = size * 8;
        this.min = signed ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : 0;
        this.max = signed ? (bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1) : (1L << bits) - 1;
        this.outOfRange = RedmapException.err("value must be " + type.canonicalName());
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void parse(byte[] text, MemorySegment target, long offset) {
        long value;
        try {
            value = AsciiNumbers.parseLong(text);
        } catch (NumberFormatException e) {
            throw Errors.VALUE_MUST_BE_INTEGER;
        }
        if (value < min || value > max) {
            throw outOfRange;
        }
        write(target, offset, value);
    }

    void write(MemorySegment target, long offset, long value) {
        switch (size) {
            case 1 -> target.set(Layouts.BYTE, offset, (byte) value);
            case 2 -> target.set(Layouts.SHORT, offset, (short) value);
            case 4 -> target.set(Layouts.INT, offset, (int) value);
            default -> target.set(Layouts.LONG, offset, value);
        }
    }

    long read(MemorySegment source, long offset) {
        return switch (size) {
            case 1 -> signed ? source.get(Layouts.BYTE, offset) : Byte.toUnsignedLong(source.get(Layouts.BYTE, offset));
            case 2 -> signed ? source.get(Layouts.SHORT, offset) : Short.toUnsignedLong(source.get(Layouts.SHORT, offset));
            case 4 -> signed ? source.get(Layouts.INT, offset) : Integer.toUnsignedLong(source.get(Layouts.INT, offset));
            default -> source.get(Layouts.LONG, offset);
        };
    }

    @Override
    public void reply(MemorySegment source, long offset, Reply reply) {
        reply.integer(read(source, offset));
    }

    @Override
    public boolean isInteger() {
        return true;
    }

    @Override
    public double readDouble(MemorySegment source, long offset) {
        return read(source, offset);
    }

    @Override
    public long readLong(MemorySegment source, long offset) {
        return read(source, offset);
    }

    @Override
    public void incrementBy(MemorySegment target, long offset, long delta) {
        long result;
        try {
            result = Math.addExact(read(target, offset), delta);
        } catch (ArithmeticException e) {
            throw Errors.OVERFLOW;
        }
        if (result < min || result > max) {
            throw Errors.OVERFLOW;
        }
        write(target, offset, result);
    }

    @Override
    public void incrementByFloat(MemorySegment target, long offset, double delta) {
        throw Errors.NOT_FLOATING;
    }

    @Override
    public String npyDescr() {
        return (size == 1 ? "|" : "<") + (signed ? "i" : "u") + size;
    }
}

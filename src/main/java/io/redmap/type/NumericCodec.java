package io.redmap.type;

import java.lang.foreign.MemorySegment;

/**
 * Element types whose values are numbers: what aggregation (VAGG) and the atomic increments
 * (VINCRBY, VINCRBYFLOAT) need on top of parsing and replying.
 */
public sealed interface NumericCodec extends ElementCodec
        permits IntegerCodec, UnsignedLongCodec, FloatingCodec, LongDoubleCodec, ByteSwappedCodec {

    /** Integer types sum exactly (as numpy does, modulo 2^64); floating types sum as floating point. */
    boolean isInteger();

    /** The value as a double (rounded for 64-bit integers beyond 2^53 and for long double). */
    double readDouble(MemorySegment source, long offset);

    /**
     * The value as a long: integer types only; for uint64, the two's-complement bits.
     *
     * @throws UnsupportedOperationException for floating types
     */
    long readLong(MemorySegment source, long offset);

    /**
     * Adds {@code delta} to the value in place.
     *
     * @throws io.redmap.RedmapException when the result does not fit the type; nothing is written then
     */
    void incrementBy(MemorySegment target, long offset, long delta);

    /**
     * Adds a floating-point {@code delta} to the value in place (floating types).
     *
     * @throws io.redmap.RedmapException when the result is not a finite value of the type, or the
     *     type is an integer type; nothing is written then
     */
    void incrementByFloat(MemorySegment target, long offset, double delta);
}

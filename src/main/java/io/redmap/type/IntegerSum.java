package io.redmap.type;

import java.math.BigInteger;

/**
 * The exact sum of integer values, as a 128-bit two's complement number ({@code high:low}).
 * 128 bits hold the sum of 2^64 int64 or uint64 values, more than any file can have, so it never
 * wraps (numpy's int64 sum does).
 */
public record IntegerSum(long high, long low) {
    public static final IntegerSum ZERO = new IntegerSum(0, 0);

    /** This sum plus a signed 64-bit value. */
    IntegerSum plus(long value) {
        long sum = low + value;
        return new IntegerSum(high + (value >> 63) + carry(low, sum), sum);
    }

    /** This sum plus another (128-bit two's complement addition). */
    IntegerSum plus(IntegerSum other) {
        long sum = low + other.low;
        return new IntegerSum(high + other.high + carry(low, sum), sum);
    }

    /** 1 when adding to {@code before} wrapped round to {@code after} (an unsigned carry out of the low word). */
    static long carry(long before, long after) {
        return Long.compareUnsigned(after, before) < 0 ? 1 : 0;
    }

    /** Whether the sum is an int64 (the high word only repeats the low word's sign). */
    public boolean fitsLong() {
        return high == low >> 63;
    }

    public BigInteger toBigInteger() {
        BigInteger unsignedLow = BigInteger.valueOf(low >>> 1).shiftLeft(1).or(BigInteger.valueOf(low & 1));
        return BigInteger.valueOf(high).shiftLeft(64).or(unsignedLow);
    }

    /** The decimal digits of the sum, with a minus sign if it is negative. */
    @Override
    public String toString() {
        return fitsLong() ? Long.toString(low) : toBigInteger().toString();
    }

    /**
     * The sum divided by {@code count}, correctly rounded to the nearest double (ties to even).
     * When the sum and the count are both exact doubles (below 2^53), IEEE division is correctly
     * rounded by itself. Otherwise the quotient is computed in integers with at least 55
     * significant bits and a sticky bit for a non-zero remainder, so that rounding it to 53 bits
     * (BigInteger.doubleValue rounds correctly) rounds the exact quotient.
     */
    public double mean(long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("mean of " + count + " values");
        }
        long exact = 1L << 53;
        if (fitsLong() && low >= -exact && low <= exact && count <= exact) {
            return (double) low / count;
        }
        BigInteger sum = toBigInteger();
        BigInteger magnitude = sum.abs();
        BigInteger divisor = BigInteger.valueOf(count);
        int shift = Math.max(0, 55 + divisor.bitLength() - magnitude.bitLength());
        BigInteger[] quotient = magnitude.shiftLeft(shift).divideAndRemainder(divisor);
        BigInteger bits = quotient[1].signum() == 0 ? quotient[0] : quotient[0].setBit(0);
        double mean = Math.scalb(bits.doubleValue(), -shift);
        return sum.signum() < 0 ? -mean : mean;
    }
}

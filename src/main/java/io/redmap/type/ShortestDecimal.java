package io.redmap.type;

/**
 * The shortest-digits fast path of {@link FloatText}: writes a double or float that is a whole
 * number, or a short decimal from 1e-4 up (prices, counts, most of what clients store), with the
 * same digits as {@code Double.toString}/{@code Float.toString}, without them and without
 * allocating; says -1 for every other value, which the JDK then converts. Also the digit
 * writing and the powers of ten that formatting and parsing share.
 */
final class ShortestDecimal {

    private ShortestDecimal() {
    }

    /** Exact powers of ten: every one up to 1e22 is representable, which the fast paths rely on. */
    static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    static final float[] FPOW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final long[] LPOW10 = new long[19];

    static {
        LPOW10[0] = 1;
        for (int i = 1; i < LPOW10.length; i++) {
            LPOW10[i] = LPOW10[i - 1] * 10;
        }
    }

    /** "00", "01", ... "99": digits are written two at a time. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /** Writes '-' for negative values, -0.0 included ("-0" in C as well). */
    static int writeSign(boolean neg, byte[] dst, int p) {
        if (neg) {
            dst[p++] = '-';
        }
        return p;
    }

    // The fast paths. Double.toString picks, among the decimals that round to the value, one with
    // the fewest significant digits (the nearest such if several). When a decimal with L digits
    // rounds to the value and no other decimal of at most L digits can, that one is the answer,
    // however it was found: so guess with cheap arithmetic, then prove the guess.

    /** Binary exponent of 1e-4: %g prints anything smaller in exponent form, left to the JDK. */
    private static final int MIN_FAST_EXP = -14;

    /**
     * Per binary exponent e from {@link #MIN_FAST_EXP}: the largest k (capped so that 10^k stays
     * exact in the tables) with {@code 10^k <= 2^(bits-e)}, i.e. {@code 10^-k >= ulp}. So a value
     * of that exponent times 10^k is below 2^(bits+1), exact in the format, and decimals with k
     * fraction digits are at least an ulp apart: the proof in {@link #writeDecimal} rests on this.
     */
    private static final byte[] DOUBLE_SCALE = scales(52, LPOW10.length - 1);
    private static final byte[] FLOAT_SCALE = scales(23, FPOW10.length - 1);

    private static byte[] scales(int bits, int maxK) {
        byte[] scale = new byte[bits - MIN_FAST_EXP + 1];
        for (int e = MIN_FAST_EXP; e <= bits; e++) {
            int k = 0;
            while (k < maxK && POW10[k + 1] <= Math.scalb(1.0, bits - e)) {
                k++;
            }
            scale[e - MIN_FAST_EXP] = (byte) k;
        }
        return scale;
    }

    /**
     * Divisibility by 10^s without dividing (Granlund and Montgomery, as in Ryu and Dragonbox),
     * for s = 8, 4, 2, 1. Times the inverse of 5^s modulo 2^64, a multiple q * 10^s of it becomes
     * q * 2^s exactly, which rotated right by s is q, at most MAX_QUOTIENT. Anything else ends up
     * above that: if it is no multiple of 5^s, the product exceeds 2^64 / 5^s (modular inverses
     * map the multiples onto exactly the numbers below that), and rotating keeps it above
     * 2^64 / 10^s; if it is one but no multiple of 2^s, rotating brings nonzero low bits to the top.
     */
    private static final int ZERO_STEPS = 4;
    private static final long[] INVERSE_POW5 = new long[ZERO_STEPS], MAX_QUOTIENT = new long[ZERO_STEPS];

    static {
        for (int i = 0; i < ZERO_STEPS; i++) {
            int step = 8 >> i;
            long pow5 = LPOW10[step] >> step;
            long inverse = pow5; // right in its low 3 bits (odd squares are 1 mod 8); Newton doubles that
            for (int bits = 3; bits < 64; bits *= 2) {
                inverse *= 2 - pow5 * inverse;
            }
            INVERSE_POW5[i] = inverse;
            MAX_QUOTIENT[i] = Long.divideUnsigned(-1L, LPOW10[step]);
        }
    }

    /**
     * Writes a double whose magnitude is a whole number below 2^53, or a short decimal of at
     * least 1e-4, as %g does: plainly. Returns -1, having written nothing, for anything else.
     */
    static int writeShortDouble(double v, byte[] dst, int p) {
        double abs = Math.abs(v);
        if (abs < 0x1p53 && abs == (long) abs) {
            // Gaps of at most 1: only this integer reads back, and nothing with fewer digits.
            return writeDigits((long) abs, dst, writeSign(Double.doubleToRawLongBits(v) < 0, dst, p));
        }
        int e2 = Math.getExponent(abs); // NaN and infinities: 1024
        if (!(abs >= 1e-4) || e2 > 52) {
            return -1;
        }
        int k = DOUBLE_SCALE[e2 - MIN_FAST_EXP];
        double m = Math.rint(abs * POW10[k]);
        // Clinger: m (an integer, at most 2^53) and 10^k are exact, so the division is the correctly
        // rounded value of the decimal m/10^k: equality says exactly that this decimal reads back.
        if (m / POW10[k] != abs) {
            return -1;
        }
        return writeDecimal(abs, (long) m, k, dst, writeSign(v < 0, dst, p));
    }

    /** {@link #writeShortDouble} for floats: whole numbers below 2^24, short decimals from 1e-4. */
    static int writeShortFloat(float v, byte[] dst, int p) {
        float abs = Math.abs(v);
        if (abs < 0x1p24f && abs == (int) abs) {
            return writeDigits((int) abs, dst, writeSign(Float.floatToRawIntBits(v) < 0, dst, p));
        }
        int e2 = Math.getExponent(abs);
        if (!(abs >= 1e-4f) || e2 > 23) {
            return -1;
        }
        int k = FLOAT_SCALE[e2 - MIN_FAST_EXP];
        // 24 bits times 10^k (5^k below 2^24) fit a double's 53: the product and its rint are exact.
        float m = (float) Math.rint(abs * POW10[k]);
        // The check must round once, to float: (float) (m / 10^k) in double rounds twice, which
        // in general can land on the other float. Both operands are exact floats (m <= 2^24).
        if (m / FPOW10[k] != abs) {
            return -1;
        }
        return writeDecimal(abs, (long) m, k, dst, writeSign(v < 0, dst, p));
    }

    /**
     * Writes the decimal {@code m / 10^k}, known to read back as {@code abs}, as {@code int.frac}.
     *
     * <p>It is the shortest such decimal. Once trailing zeros are gone, its last digit is in some
     * place s >= 10^-k, and every other decimal of no more digits is at least s away from it:
     * those in its decade are multiples of s, the next power of ten up is one too, and those in
     * the decade below are finer only beyond the power of ten, which is at least s below. The
     * decimals that read back span at most an ulp, and the scale tables ({@link #DOUBLE_SCALE})
     * keep the ulp below 10^-k (equal never: 10^-k is no power of two but for k = 0, and where
     * the ulp is 1 all values are whole and took the other path). So no other decimal as short reads back. (A
     * single digit is the exception to the spacing, 0.9 or 0.99 below a lone 10^j, and Java then
     * also weighs two-digit decimals; but those are all thousands of ulps away.)
     */
    private static int writeDecimal(double abs, long m, int k, byte[] dst, int p) {
        // Drop trailing fraction zeros. m <= 2^53 < 10^16 has at most 15, so halving steps of
        // 8, 4, 2, 1 find their number in four tests rather than up to 15 divisions. Some
        // fraction digit remains: a whole decimal would read back as itself, a whole number,
        // and those took the other path.
        for (int i = 0; i < ZERO_STEPS; i++) {
            int step = 8 >> i;
            long q = Long.rotateRight(m * INVERSE_POW5[i], step);
            if (k >= step && Long.compareUnsigned(q, MAX_QUOTIENT[i]) <= 0) {
                m = q;
                k -= step;
            }
        }
        // abs is within half an ulp of the decimal, closer than the decimal's distance to an
        // integer (at least 10^-k): they share an integer part, which saves dividing by 10^k.
        long whole = (long) abs;
        p = writeDigits(whole, dst, p);
        dst[p] = '.';
        writeDigits(m - whole * LPOW10[k], k, dst, p + 1 + k);
        return p + 1 + k;
    }

    /** Writes the decimal digits of {@code v >= 0} at {@code p}; returns their end. */
    static int writeDigits(long v, byte[] dst, int p) {
        int n = digitCount(v);
        writeDigits(v, n, dst, p + n);
        return p + n;
    }

    /** Writes the last {@code count} decimal digits of {@code v >= 0}, zero-padded, to end at {@code end}. */
    private static void writeDigits(long v, int count, byte[] dst, int end) {
        for (; count >= 2; count -= 2) {
            int pair = (int) (v % 100) * 2;
            v /= 100;
            dst[--end] = DIGIT_PAIRS[pair + 1];
            dst[--end] = DIGIT_PAIRS[pair];
        }
        if (count == 1) {
            dst[end - 1] = (byte) ('0' + v % 10);
        }
    }

    /** The number of decimal digits of {@code 0 <= v < 10^18}, 1 for 0. */
    static int digitCount(long v) {
        // bits * 1233 >> 12 is floor(bits * log10(2)) for these bit counts: the digit count is that
        // or one more. (v | 1 has the same count as v, except that 0 becomes 1 and counts one digit.)
        long w = v | 1;
        int t = (64 - Long.numberOfLeadingZeros(w)) * 1233 >>> 12;
        return w >= LPOW10[t] ? t + 1 : t;
    }
}

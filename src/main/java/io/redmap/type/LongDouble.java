package io.redmap.type;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteOrder;

/**
 * Text conversions for x87 80-bit extended precision as gcc stores {@code long double} on
 * x86-64: 16 little-endian bytes; bytes 0-7 the 64-bit significand WITH its explicit integer
 * bit, bytes 8-9 sign (top bit) and 15-bit exponent (bias 16383), bytes 10-15 zero padding.
 *
 * <p>Java has no such type, so the arithmetic is exact BigInteger/BigDecimal work. A value is
 * {@code sig * 2^(max(exp, 1) - 16383 - 63)}: the explicit integer bit is what makes
 * pseudo-denormals and unnormals meaningful numbers here, even though x87 hardware rejects them.
 */
public final class LongDouble {

    private LongDouble() {
    }

    private static final int BIAS = 16383, MAX_EXP = 0x7FFF;
    /** Exponent of the significand's least significant bit for exponent fields 0 and 1. */
    private static final int MIN_LSB_EXP = 1 - BIAS - 63; // -16445
    /** Integer bit alone: 1.0 in the significand, and also the infinity significand. */
    private static final long INT_BIT = 0x8000_0000_0000_0000L;
    /** The x87 "real indefinite" default quiet NaN, which is also what glibc's strtold returns. */
    private static final long QNAN_SIG = 0xC000_0000_0000_0000L;
    /** 21 significant digits always tell two 64-bit significands apart (ceil(1 + 64 log10 2)). */
    private static final int MAX_DIGITS = 21;
    private static final ValueLayout.OfLong SIG_LAYOUT =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SE_LAYOUT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // ---------------------------------------------------------------- parsing

    /**
     * Parses the strict grammar of {@link FloatText#parseDouble} into {@code out16[0..15]},
     * correctly rounded (nearest, ties to even) from the decimal, like glibc's strtold.
     *
     * @throws NumberFormatException on bad syntax or when a finite literal overflows
     *     (beyond about 1.18973149535723176502e+4932)
     */
    public static void parse(String s, byte[] out16) {
        if (out16.length < 16) {
            throw new IllegalArgumentException("need 16 bytes, got " + out16.length);
        }
        parse(s, MemorySegment.ofArray(out16), 0);
    }

    /** Parses like {@link #parse(String, byte[])} into 16 bytes of {@code seg} at {@code offset}. */
    public static void parse(String s, MemorySegment seg, long offset) {
        long[] sigAndSe = new long[2];
        parseBits(s, sigAndSe);
        seg.set(SIG_LAYOUT, offset, sigAndSe[0]);
        seg.set(SE_LAYOUT, offset + 8, (short) sigAndSe[1]);
        seg.asSlice(offset + 10, 6).fill((byte) 0); // gcc leaves padding undefined; zero is stable
    }

    /** Parses to r[0] = significand, r[1] = sign/exponent field (low 16 bits). */
    private static void parseBits(String s, long[] r) {
        int kind = FloatParser.classify(s);
        long sign = s.charAt(0) == '-' ? 0x8000 : 0;
        if (kind != FloatParser.FINITE) { // infinities keep their sign; NaN is unsigned, as in glibc
            r[0] = kind == FloatParser.NAN ? QNAN_SIG : INT_BIT;
            r[1] = MAX_EXP | (kind == FloatParser.NEG_INF ? 0x8000 : 0);
            return;
        }
        // Collect significant digits (no leading zeros) and the power of ten they are scaled by.
        int n = s.length(), i = sign != 0 || s.charAt(0) == '+' ? 1 : 0;
        char[] digits = new char[n];
        int nd = 0;
        long scale = 0; // value = digits * 10^scale
        boolean afterDot = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                afterDot = true;
            } else if (c >= '0' && c <= '9') {
                if (afterDot) {
                    scale--;
                }
                if (nd > 0 || c != '0') {
                    digits[nd++] = c;
                }
            } else {
                break; // 'e' or 'E': the grammar was already validated
            }
        }
        if (i < n) {
            i++;
            boolean negExp = s.charAt(i) == '-';
            if (negExp || s.charAt(i) == '+') {
                i++;
            }
            long e = 0;
            for (; i < n; i++) {
                // Saturate: past 1e10 the answer is zero or overflow whatever the digits say.
                e = Math.min(e * 10 + (s.charAt(i) - '0'), 10_000_000_000L);
            }
            scale += negExp ? -e : e;
        }
        while (nd > 0 && digits[nd - 1] == '0') { // trailing zeros only make the numbers bigger
            nd--;
            scale++;
        }
        long lead = scale + nd - 1; // decimal exponent of the leading digit
        if (nd == 0 || lead < -4952) { // below half the smallest subnormal (3.6e-4951): zero
            r[0] = 0;
            r[1] = sign;
            return;
        }
        if (lead > 4932) { // at least 1e4933 > max 1.19e4932
            throw FloatParser.outOfRange(s);
        }
        if (scale >= 0 && lead < 18) {
            // Integers below 1e18 fit in a long: exact, no BigInteger needed (the common case).
            long m = Long.parseLong(new String(digits, 0, nd));
            for (long k = 0; k < scale; k++) {
                m *= 10;
            }
            int lz = Long.numberOfLeadingZeros(m);
            r[0] = m << lz;
            r[1] = sign | (BIAS + 63 - lz);
            return;
        }
        BigInteger num = new BigInteger(new String(digits, 0, nd));
        BigInteger den = scale >= 0 ? BigInteger.ONE : BigInteger.TEN.pow((int) -scale);
        num = scale > 0 ? num.multiply(BigInteger.TEN.pow((int) scale)) : num;
        if (!encode(num, den, r)) {
            throw FloatParser.outOfRange(s);
        }
        r[1] |= sign;
    }

    /**
     * Rounds the positive rational {@code num/den} to the nearest 80-bit value (ties to even),
     * subnormals included, into r[0] (significand) and r[1] (exponent field).
     *
     * @return false on overflow
     */
    private static boolean encode(BigInteger num, BigInteger den, long[] r) {
        // floor(log2(num/den)) is l or l - 1; one exact comparison decides which.
        int l = num.bitLength() - den.bitLength();
        boolean atLeast = l >= 0
            ? num.compareTo(den.shiftLeft(l)) >= 0
            : num.shiftLeft(-l).compareTo(den) >= 0;
        int log2 = atLeast ? l : l - 1;
        if (log2 > BIAS) {
            return false;
        }
        // Exponent of the result's least significant bit: 64 bits of precision, fewer when the
        // value is subnormal (the significand then simply has leading zeros).
        int lsb = Math.max(log2 - 63, MIN_LSB_EXP);
        BigInteger divisor = lsb >= 0 ? den.shiftLeft(lsb) : den;
        BigInteger[] qr = (lsb >= 0 ? num : num.shiftLeft(-lsb)).divideAndRemainder(divisor);
        long sig = qr[0].longValue(); // the quotient is below 2^64: the low 64 bits are all of it
        int half = qr[1].shiftLeft(1).compareTo(divisor);
        if (half > 0 || half == 0 && (sig & 1) != 0) {
            sig++;
            if (sig == 0) { // carried out of 64 bits: 2^64 * 2^lsb = 2^63 * 2^(lsb + 1)
                sig = INT_BIT;
                lsb++;
            }
        }
        // A subnormal that rounded up to 2^63 has become the smallest normal: exponent field 1.
        int exp = sig < 0 ? lsb + 63 + BIAS : 0;
        if (exp >= MAX_EXP) {
            return false;
        }
        r[0] = sig;
        r[1] = exp;
        return true;
    }

    // ---------------------------------------------------------------- formatting

    /**
     * Shortest decimal that {@link #parse} reads back to the same 80-bit value, laid out like
     * {@link FloatText#formatDouble} but with {@code %g} precision 21 (fixed notation for
     * {@code -4 <= X < 21}). Non-canonical encodings (pseudo-denormals, unnormals) are printed
     * as the number their explicit integer bit makes them; pseudo-infinities and NaNs as "nan".
     */
    public static String format(byte[] in16) {
        return format(MemorySegment.ofArray(in16), 0);
    }

    /** Like {@link #format(byte[])}, reading the 16 bytes from {@code seg} at {@code offset}. */
    public static String format(MemorySegment seg, long offset) {
        return format(seg.get(SIG_LAYOUT, offset), seg.get(SE_LAYOUT, offset + 8));
    }

    private static String format(long sig, short se) {
        boolean neg = se < 0;
        int exp = se & MAX_EXP;
        if (exp == MAX_EXP) {
            return sig == INT_BIT ? (neg ? "-inf" : "inf") : "nan";
        }
        if (sig == 0) {
            return neg ? "-0" : "0";
        }
        // Canonicalise: shift the integer bit up as far as the exponent range allows, so the
        // rounding interval below is the one parse() actually uses.
        int lsb = Math.max(exp, 1) - BIAS - 63;
        int shift = Math.min(Long.numberOfLeadingZeros(sig), lsb - MIN_LSB_EXP);
        sig <<= shift;
        lsb -= shift;

        // Work in units of 2^(lsb-2) so that the value and both interval ends are integers.
        // Below a power of two the gap to the predecessor is half as wide (unless subnormal).
        BigInteger four = new BigInteger(Long.toUnsignedString(sig)).shiftLeft(2);
        boolean narrowBelow = sig == INT_BIT && lsb > MIN_LSB_EXP;
        BigDecimal value = exact(four, lsb - 2);
        BigDecimal low = exact(four.subtract(BigInteger.valueOf(narrowBelow ? 1 : 2)), lsb - 2);
        BigDecimal high = exact(four.add(BigInteger.TWO), lsb - 2);
        boolean tiesIn = (sig & 1) == 0; // an interval end rounds to us only if we are even

        // The nearest p-digit decimal only gets closer as p grows, so "p digits suffice" is
        // monotone in p and a binary search finds the shortest in ~5 steps instead of ~20.
        BigDecimal best = null;
        int lo = 1, hi = MAX_DIGITS;
        while (lo <= hi) {
            int p = (lo + hi) >>> 1;
            BigDecimal c = candidate(value, p, low, high, tiesIn, narrowBelow);
            if (c != null) {
                best = c;
                hi = p - 1;
            } else {
                lo = p + 1;
            }
        }
        best = (best == null ? value : best).stripTrailingZeros(); // null is impossible: 21 suffice
        String digits = best.unscaledValue().toString();
        return FloatText.layout(neg, digits, digits.length() - 1 - best.scale(), MAX_DIGITS);
    }

    /** A p-digit decimal inside the rounding interval, or null. */
    private static BigDecimal candidate(
            BigDecimal value, int p, BigDecimal low, BigDecimal high, boolean tiesIn, boolean narrowBelow) {
        // Nearest first; where the gap below is the narrower one, the nearest p-digit decimal may
        // fall out below while the next one up is still inside.
        for (RoundingMode mode : narrowBelow ? NEAREST_THEN_UP : NEAREST) {
            BigDecimal c = value.round(new MathContext(p, mode));
            int a = c.compareTo(low), b = c.compareTo(high);
            if (tiesIn ? a >= 0 && b <= 0 : a > 0 && b < 0) {
                return c;
            }
        }
        return null;
    }

    private static final RoundingMode[] NEAREST = {RoundingMode.HALF_EVEN};
    private static final RoundingMode[] NEAREST_THEN_UP = {RoundingMode.HALF_EVEN, RoundingMode.UP};

    /** Exactly {@code m * 2^e}: 2^-k is 5^k / 10^k, so negative powers stay exact in decimal. */
    private static BigDecimal exact(BigInteger m, int e) {
        return e >= 0
            ? new BigDecimal(m.shiftLeft(e))
            : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
    }

    // ---------------------------------------------------------------- conversion

    /** The 80-bit value in {@code in16} correctly rounded to double (overflowing to infinity). */
    public static double toDouble(byte[] in16) {
        return toDouble(MemorySegment.ofArray(in16), 0);
    }

    /** Like {@link #toDouble(byte[])}, reading the 16 bytes from {@code seg} at {@code offset}. */
    public static double toDouble(MemorySegment seg, long offset) {
        return toDouble(seg.get(SIG_LAYOUT, offset), seg.get(SE_LAYOUT, offset + 8));
    }

    private static double toDouble(long sig, short se) {
        double sign = se < 0 ? -1.0 : 1.0;
        int exp = se & MAX_EXP;
        if (exp == MAX_EXP) {
            return sig == INT_BIT ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (sig == 0) {
            return sign * 0.0;
        }
        // Normalise without any lower limit: double's own range decides what is subnormal.
        int lz = Long.numberOfLeadingZeros(sig);
        sig <<= lz;
        int lsb = Math.max(exp, 1) - BIAS - 63 - lz;
        int log2 = lsb + 63;
        if (log2 > Double.MAX_EXPONENT) {
            return sign * Double.POSITIVE_INFINITY;
        }
        // Keep 53 bits, fewer where the double result is subnormal; round the rest off once.
        int keep = log2 >= Double.MIN_EXPONENT ? 53 : 53 - (Double.MIN_EXPONENT - log2);
        if (keep < 0) {
            return sign * 0.0; // below half of Double.MIN_VALUE
        }
        int drop = 64 - keep; // 11..64
        long kept = drop == 64 ? 0 : sig >>> drop;
        long rest = drop == 64 ? sig : sig << (64 - drop); // dropped bits, left-aligned
        int cmp = Long.compareUnsigned(rest, INT_BIT);
        if (cmp > 0 || cmp == 0 && (kept & 1) != 0) {
            kept++;
        }
        // kept has at most 54 bits and the scale lands on a representable double: scalb is exact.
        return sign * Math.scalb((double) kept, lsb + drop);
    }
}

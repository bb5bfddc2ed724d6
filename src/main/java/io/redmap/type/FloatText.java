package io.redmap.type;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text conversions for {@code double} and {@code float} as a Redis-compatible server shows them.
 *
 * <p>Output uses the shortest digits that read back to the same value (what Java 19+
 * {@code Double.toString}/{@code Float.toString} already compute), laid out like C's {@code %.17g}
 * so that clients see the same spelling Redis itself would produce ({@code 1e+21}, {@code 1e-05}).
 * The {@code write} methods put that text straight into a reply buffer; short decimals (prices,
 * whole numbers) get there without the JDK's conversion and without allocating.
 * Input accepts exactly the decimal subset of {@code strtod}, because Java's own parsers are both
 * laxer (whitespace, {@code d}/{@code f} suffixes, hex) and stricter ({@code inf}) than Redis.
 *
 * <p>The package-private grammar and layout helpers are shared by {@link HalfFloat},
 * {@link BFloat16} and {@link LongDouble}, so every numeric type reads and writes alike.
 */
public final class FloatText {

    private FloatText() {
    }

    /** {@link #classify} results. */
    static final int FINITE = 0, POS_INF = 1, NEG_INF = 2, NAN = 3;

    /** {@code %g} precision used for double/float: 17 is what Redis uses for its doubles. */
    static final int PRECISION = 17;

    /**
     * The most bytes {@link #writeDouble} writes: a sign, 17 digits, a point and a three-digit
     * exponent, as in {@code -2.2250738585072014e-308}. ({@link #writeFloat} needs at most 18: with
     * at most 9 digits its exponent form is shorter than a sign and 17 digits in fixed notation,
     * as in {@code -12345678000000000}.)
     */
    public static final int MAX_LENGTH = 24;

    /** Exact powers of ten: every one up to 1e22 is representable, which the fast paths rely on. */
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final float[] FPOW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
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

    // ---------------------------------------------------------------- formatting

    /** Shortest round-tripping digits of {@code v} in {@code %.17g} layout; "nan", "inf", "-inf". */
    public static String formatDouble(double v) {
        byte[] text = new byte[MAX_LENGTH];
        int end = writeShortDouble(v, text, 0);
        if (end >= 0) {
            return new String(text, 0, end, StandardCharsets.ISO_8859_1);
        }
        return Double.isFinite(v) ? fromJava(Double.toString(v)) : nonFinite(v);
    }

    /** Like {@link #formatDouble} but with the shortest digits that read back to the same float. */
    public static String formatFloat(float v) {
        byte[] text = new byte[MAX_LENGTH];
        int end = writeShortFloat(v, text, 0);
        if (end >= 0) {
            return new String(text, 0, end, StandardCharsets.ISO_8859_1);
        }
        return Float.isFinite(v) ? fromJava(Float.toString(v)) : nonFinite(v);
    }

    /**
     * Writes {@link #formatDouble formatDouble(v)} as ASCII bytes into {@code dst} at
     * {@code offset}, touching no other byte; {@code dst} needs room for up to {@link #MAX_LENGTH}.
     * Allocates nothing for whole numbers below 2^53 and decimals of up to about 15 digits from
     * 1e-4 up; other values go through {@code Double.toString}.
     *
     * @return the number of bytes written
     */
    public static int writeDouble(double v, byte[] dst, int offset) {
        int end = writeShortDouble(v, dst, offset);
        if (end < 0) {
            end = Double.isFinite(v) ? writeJava(Double.toString(v), dst, offset) : writeNonFinite(v, dst, offset);
        }
        return end - offset;
    }

    /**
     * Writes {@link #formatFloat formatFloat(v)} as ASCII bytes into {@code dst} at
     * {@code offset}, touching no other byte; {@code dst} needs room for up to {@link #MAX_LENGTH}
     * (18 in fact). Allocates nothing for whole numbers below 2^24 and decimals of up to about 7
     * digits from 1e-4 up; other values go through {@code Float.toString}.
     *
     * @return the number of bytes written
     */
    public static int writeFloat(float v, byte[] dst, int offset) {
        int end = writeShortFloat(v, dst, offset);
        if (end < 0) {
            end = Float.isFinite(v) ? writeJava(Float.toString(v), dst, offset) : writeNonFinite(v, dst, offset);
        }
        return end - offset;
    }

    /** Redis (via C's printf) spells these in lower case, and NaN without a sign. */
    private static String nonFinite(double v) {
        return v != v ? "nan" : v > 0 ? "inf" : "-inf";
    }

    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): ASCII, copied without allocating
    private static int writeNonFinite(double v, byte[] dst, int p) {
        String text = nonFinite(v);
        text.getBytes(0, text.length(), dst, p);
        return p + text.length();
    }

    /** Writes '-' for negative values, -0.0 included ("-0" in C as well). */
    private static int writeSign(boolean neg, byte[] dst, int p) {
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
    private static int writeShortDouble(double v, byte[] dst, int p) {
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
    private static int writeShortFloat(float v, byte[] dst, int p) {
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
    private static int writeDigits(long v, byte[] dst, int p) {
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

    /** Java's plain notation is already ours (see {@link #writeJava}); only its scientific one is laid out anew. */
    private static String fromJava(String js) {
        if (js.indexOf('E') < 0) {
            return js;
        }
        byte[] text = new byte[MAX_LENGTH];
        return new String(text, 0, writeJava(js, text, 0), StandardCharsets.ISO_8859_1);
    }

    /** Re-lays out a finite Java {@code toString} result (its digits are already the shortest). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): ASCII, copied without allocating
    private static int writeJava(String js, byte[] dst, int p) {
        int e = js.indexOf('E');
        if (e < 0) {
            // Java prints plain notation only for 1e-3 <= |v| < 1e7, which %g also prints plainly.
            // The one difference, Java's ".0" on whole numbers, never gets here: they took the
            // fast path.
            js.getBytes(0, js.length(), dst, p);
            return p + js.length();
        }
        // Computerized scientific notation: [-]d.dddE[-]n with exactly one nonzero leading digit.
        int first = 0;
        if (js.charAt(0) == '-') {
            dst[p++] = '-';
            first = 1;
        }
        dst[p] = (byte) js.charAt(first);
        js.getBytes(first + 2, e, dst, p + 1);
        return layout(dst, p, e - first - 1, Integer.parseInt(js, e + 1, js.length(), 10), PRECISION);
    }

    /**
     * Lays out {@code d1.d2...dn * 10^exp10} like C's {@code %g} with the given precision (see
     * {@link #layout(byte[], int, int, int, int)}), as a String.
     *
     * @param digits significant digits, first one nonzero; trailing zeros are ignored
     */
    static String layout(boolean neg, CharSequence digits, int exp10, int precision) {
        int n = digits.length();
        // Digits, sign, "0.000", or the zeros up to the point, or a point and "e-" plus ten digits
        byte[] text = new byte[n + 16 + Math.clamp(exp10, 0, precision)];
        int p = writeSign(neg, text, 0);
        for (int i = 0; i < n; i++) {
            text[p + i] = (byte) digits.charAt(i);
        }
        return new String(text, 0, layout(text, p, n, exp10, precision), StandardCharsets.ISO_8859_1);
    }

    /**
     * Lays out, in place, the digits {@code d1d2...dn} at {@code dst[p, p+n)} that stand for
     * {@code d1.d2...dn * 10^exp10} like C's {@code %g} with the given precision, minus trailing
     * zeros: fixed notation when {@code -4 <= exp10 < precision}, otherwise {@code d.ddde+XX}
     * with at least two exponent digits. In place because the digits usually stay where they
     * are: at most a point is slid in, or a prefix ahead. Writes nowhere but the text and the
     * digits' own place.
     *
     * @param n the number of digits, the first one nonzero; trailing zeros are dropped
     * @return the end of the text
     */
    static int layout(byte[] dst, int p, int n, int exp10, int precision) {
        while (n > 1 && dst[p + n - 1] == '0') {
            n--;
        }
        if (exp10 >= -4 && exp10 < precision) {
            if (exp10 < 0) {
                int point = p + 1, first = p - exp10 + 1; // "0.", then -exp10 - 1 zeros
                System.arraycopy(dst, p, dst, first, n);
                Arrays.fill(dst, p, first, (byte) '0');
                dst[point] = '.';
                return first + n;
            }
            int point = p + exp10 + 1;
            if (p + n <= point) {
                Arrays.fill(dst, p + n, point, (byte) '0');
                return point;
            }
            System.arraycopy(dst, point, dst, point + 1, p + n - point);
            dst[point] = '.';
            return p + n + 1;
        }
        int end = p + 1;
        if (n > 1) {
            System.arraycopy(dst, p + 1, dst, p + 2, n - 1);
            dst[p + 1] = '.';
            end = p + n + 1;
        }
        dst[end++] = 'e';
        dst[end++] = (byte) (exp10 < 0 ? '-' : '+');
        int abs = Math.abs(exp10);
        if (abs < 10) {
            dst[end++] = '0';
        }
        return writeDigits(abs, dst, end);
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses the strict decimal grammar (see {@link #classify}) to the correctly rounded double.
     *
     * @throws NumberFormatException on bad syntax, or when a finite literal overflows to infinity
     */
    public static double parseDouble(String s) {
        long fast = fastDecimal(s);
        if (fast >= 0) {
            // Clinger's fast path: mantissa < 2^53 and 10^f exact, so one correctly rounded division.
            double d = (fast & MANT_MASK) / POW10[(int) (fast >>> FRAC_SHIFT) & 0xF];
            return (fast & NEG_BIT) != 0 ? -d : d;
        }
        int kind = classify(s);
        if (kind != FINITE) {
            return special(kind);
        }
        // The syntax is now known to be a subset of what Double.parseDouble accepts.
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            throw outOfRange(s);
        }
        return d;
    }

    /**
     * Parses the strict grammar straight to the correctly rounded float (no double rounding via
     * double: {@code Float.parseFloat} rounds from the decimal).
     *
     * @throws NumberFormatException on bad syntax, or when a finite literal rounds above
     *     {@link Float#MAX_VALUE}
     */
    public static float parseFloat(String s) {
        long fast = fastDecimal(s);
        long m = fast & MANT_MASK;
        int f = (int) (fast >>> FRAC_SHIFT) & 0xF;
        if (fast >= 0 && m < (1L << 24) && f < FPOW10.length) {
            // Float flavour of the fast path: both operands exact floats, one rounding.
            float r = m / FPOW10[f];
            return (fast & NEG_BIT) != 0 ? -r : r;
        }
        int kind = classify(s);
        if (kind != FINITE) {
            return (float) special(kind); // NaN and infinities survive the narrowing unchanged
        }
        float r = Float.parseFloat(s);
        if (Float.isInfinite(r)) {
            throw outOfRange(s);
        }
        return r;
    }

    /** The value of a non-{@link #FINITE} {@link #classify} result. */
    private static double special(int kind) {
        return kind == NAN ? Double.NaN : kind == POS_INF ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private static final long MANT_MASK = (1L << 50) - 1, NEG_BIT = 1L << 54;
    private static final int FRAC_SHIFT = 50;

    /**
     * Recognises the overwhelmingly common shape {@code [+-]digits[.digits]} with at most 15
     * digits (so the mantissa is exact) and returns it packed: mantissa in bits 0-49, number of
     * fraction digits in bits 50-53, sign in bit 54. Returns -1 for anything else (which then
     * takes the slow, fully validating path), so no object is allocated for the common case.
     */
    private static long fastDecimal(String s) {
        int n = s.length();
        if (n == 0 || n > 17) {
            return -1;
        }
        int i = 0;
        char c = s.charAt(0);
        long neg = c == '-' ? NEG_BIT : 0;
        if (c == '-' || c == '+') {
            i++;
        }
        long m = 0;
        int digits = 0, dot = -1;
        for (; i < n; i++) {
            c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                m = m * 10 + (c - '0');
                digits++;
            } else if (c == '.' && dot < 0) {
                dot = digits;
            } else {
                return -1;
            }
        }
        if (digits == 0 || digits > 15) {
            return -1;
        }
        long frac = dot < 0 ? 0 : digits - dot;
        return m | frac << FRAC_SHIFT | neg;
    }

    /**
     * Validates the strict grammar and says what kind of value it denotes. Grammar:
     * {@code [+-]? (D+ ('.' D*)? | '.' D+) ([eE] [+-]? D+)?}, or case-insensitively
     * {@code [+-]?(inf|infinity)} or {@code nan}. Nothing else: no spaces, hex or suffixes.
     *
     * @return {@link #FINITE}, {@link #POS_INF}, {@link #NEG_INF} or {@link #NAN}
     * @throws NumberFormatException if {@code s} is not in the grammar
     */
    static int classify(String s) {
        int n = s.length();
        if (n == 0) {
            throw bad(s);
        }
        int i = 0;
        char c = s.charAt(0);
        if (c == '+' || c == '-') {
            i++;
        }
        int start = i;
        i = skipDigits(s, i);
        int digits = i - start;
        if (i < n && s.charAt(i) == '.') {
            int end = skipDigits(s, ++i);
            digits += end - i;
            i = end;
        }
        if (digits == 0) {
            if (i == start) {
                int rest = n - start;
                if ((rest == 3 || rest == 8) && s.regionMatches(true, start, "infinity", 0, rest)) {
                    return c == '-' ? NEG_INF : POS_INF;
                }
                if (start == 0 && rest == 3 && s.regionMatches(true, 0, "nan", 0, 3)) {
                    return NAN;
                }
            }
            throw bad(s);
        }
        if (i < n && (s.charAt(i) | 0x20) == 'e') {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int end = skipDigits(s, i);
            if (end == i) {
                throw bad(s); // "1e" and "1e+" are not numbers
            }
            i = end;
        }
        if (i != n) {
            throw bad(s);
        }
        return FINITE;
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    static NumberFormatException bad(String s) {
        return new NumberFormatException("not a number: \"" + s + "\"");
    }

    static NumberFormatException outOfRange(String s) {
        return new NumberFormatException("out of range: \"" + s + "\"");
    }
}

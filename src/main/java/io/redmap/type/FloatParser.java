package io.redmap.type;

import static io.redmap.type.ShortestDecimal.FPOW10;
import static io.redmap.type.ShortestDecimal.POW10;

/**
 * Reads the decimal text of {@link FloatText}: exactly the decimal subset of {@code strtod},
 * because Java's own parsers are both laxer (whitespace, {@code d}/{@code f} suffixes, hex) and
 * stricter ({@code inf}) than Redis. The common short decimals take a fast path that allocates
 * nothing; the grammar check ({@link #classify}) is shared by {@link HalfFloat},
 * {@link BFloat16} and {@link LongDouble}.
 */
final class FloatParser {

    private FloatParser() {
    }

    /** {@link #classify} results. */
    static final int FINITE = 0, POS_INF = 1, NEG_INF = 2, NAN = 3;

    /** {@link FloatText#parseDouble}: the fast path, else the grammar's check and the JDK's parse. */
    static double parseDouble(String s) {
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

    /** {@link FloatText#parseFloat}: the fast path, else the grammar's check and the JDK's parse. */
    static float parseFloat(String s) {
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

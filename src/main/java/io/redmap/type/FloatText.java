package io.redmap.type;

/**
 * Text conversions for {@code double} and {@code float} as a Redis-compatible server shows them.
 *
 * <p>Output uses the shortest digits that read back to the same value (what Java 19+
 * {@code Double.toString}/{@code Float.toString} already compute), laid out like C's {@code %.17g}
 * so that clients see the same spelling Redis itself would produce ({@code 1e+21}, {@code 1e-05}).
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

    /** Exact powers of ten: every one up to 1e22 is representable, which the fast paths rely on. */
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final float[] FPOW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    // ---------------------------------------------------------------- formatting

    /** Shortest round-tripping digits of {@code v} in {@code %.17g} layout; "nan", "inf", "-inf". */
    public static String formatDouble(double v) {
        return Double.isFinite(v) ? fromJava(Double.toString(v)) : nonFinite(v);
    }

    /** Like {@link #formatDouble} but with the shortest digits that read back to the same float. */
    public static String formatFloat(float v) {
        return Float.isFinite(v) ? fromJava(Float.toString(v)) : nonFinite(v);
    }

    /** Redis (via C's printf) spells these in lower case, and NaN without a sign. */
    private static String nonFinite(double v) {
        return v != v ? "nan" : v > 0 ? "inf" : "-inf";
    }

    /** Re-lays out a finite Java {@code toString} result (its digits are already the shortest). */
    private static String fromJava(String js) {
        int e = js.indexOf('E');
        if (e < 0) {
            // Java prints plain notation only for 1e-3 <= |v| < 1e7, which %g also prints plainly,
            // so the only difference is Java's mandatory ".0": avoid rebuilding the string.
            return js.endsWith(".0") ? js.substring(0, js.length() - 2) : js;
        }
        // Computerized scientific notation: [-]d.dddE[-]n with exactly one nonzero leading digit.
        boolean neg = js.charAt(0) == '-';
        int first = neg ? 1 : 0;
        StringBuilder digits = new StringBuilder(e);
        digits.append(js.charAt(first));
        digits.append(js, first + 2, e);
        return layout(neg, digits, Integer.parseInt(js, e + 1, js.length(), 10), PRECISION);
    }

    /**
     * Lays out {@code 0.d1d2...dn * 10^(exp10+1)} (i.e. d1.d2...dn times 10^exp10) like C's
     * {@code %g} with the given precision, minus trailing zeros: fixed notation when
     * {@code -4 <= exp10 < precision}, otherwise {@code d.ddde+XX} with at least two exponent digits.
     *
     * @param digits significant digits, first one nonzero; trailing zeros are ignored
     */
    static String layout(boolean neg, CharSequence digits, int exp10, int precision) {
        int n = digits.length();
        while (n > 1 && digits.charAt(n - 1) == '0') {
            n--;
        }
        StringBuilder sb = new StringBuilder(n + 8 + Math.max(0, Math.abs(exp10)));
        if (neg) {
            sb.append('-');
        }
        if (exp10 >= -4 && exp10 < precision) {
            if (exp10 < 0) {
                sb.append("0.");
                sb.repeat('0', -exp10 - 1);
                sb.append(digits, 0, n);
            } else if (n <= exp10 + 1) {
                sb.append(digits, 0, n).repeat('0', exp10 + 1 - n);
            } else {
                sb.append(digits, 0, exp10 + 1).append('.').append(digits, exp10 + 1, n);
            }
            return sb.toString();
        }
        sb.append(digits.charAt(0));
        if (n > 1) {
            sb.append('.').append(digits, 1, n);
        }
        sb.append(exp10 < 0 ? "e-" : "e+");
        int abs = Math.abs(exp10);
        if (abs < 10) {
            sb.append('0');
        }
        return sb.append(abs).toString();
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

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
 * whole numbers) get there without the JDK's conversion and without allocating
 * ({@link ShortestDecimal}). Input accepts exactly the decimal subset of {@code strtod}
 * ({@link FloatParser}).
 *
 * <p>The package-private layout helpers here and the grammar in {@link FloatParser} are shared by
 * {@link HalfFloat}, {@link BFloat16} and {@link LongDouble}, so every numeric type reads and writes alike.
 */
public final class FloatText {

    private FloatText() {
    }

    /** {@code %g} precision used for double/float: 17 is what Redis uses for its doubles. */
    static final int PRECISION = 17;

    /**
     * The most bytes {@link #writeDouble} writes: a sign, 17 digits, a point and a three-digit
     * exponent, as in {@code -2.2250738585072014e-308}. ({@link #writeFloat} needs at most 18: with
     * at most 9 digits its exponent form is shorter than a sign and 17 digits in fixed notation,
     * as in {@code -12345678000000000}.)
     */
    public static final int MAX_LENGTH = 24;

    // ---------------------------------------------------------------- formatting

    /** Shortest round-tripping digits of {@code v} in {@code %.17g} layout; "nan", "inf", "-inf". */
    public static String formatDouble(double v) {
        byte[] text = new byte[MAX_LENGTH];
        int end = ShortestDecimal.writeShortDouble(v, text, 0);
        if (end >= 0) {
            return new String(text, 0, end, StandardCharsets.ISO_8859_1);
        }
        return Double.isFinite(v) ? fromJava(Double.toString(v)) : nonFinite(v);
    }

    /** Like {@link #formatDouble} but with the shortest digits that read back to the same float. */
    public static String formatFloat(float v) {
        byte[] text = new byte[MAX_LENGTH];
        int end = ShortestDecimal.writeShortFloat(v, text, 0);
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
        int end = ShortestDecimal.writeShortDouble(v, dst, offset);
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
        int end = ShortestDecimal.writeShortFloat(v, dst, offset);
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
        int p = ShortestDecimal.writeSign(neg, text, 0);
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
        return ShortestDecimal.writeDigits(abs, dst, end);
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses the strict decimal grammar (see {@link FloatParser#classify}) to the correctly rounded double.
     *
     * @throws NumberFormatException on bad syntax, or when a finite literal overflows to infinity
     */
    public static double parseDouble(String s) {
        return FloatParser.parseDouble(s);
    }

    /**
     * Parses the strict grammar straight to the correctly rounded float (no double rounding via
     * double: {@code Float.parseFloat} rounds from the decimal).
     *
     * @throws NumberFormatException on bad syntax, or when a finite literal rounds above
     *     {@link Float#MAX_VALUE}
     */
    public static float parseFloat(String s) {
        return FloatParser.parseFloat(s);
    }
}

package io.redmap.type;

import java.math.BigDecimal;
import java.util.function.Predicate;

/**
 * Text conversions for IEEE 754 binary16 ("float16", "f2"): 1 sign bit, 5 exponent bits,
 * 10 fraction bits; values up to 65504, subnormals down to 2^-24.
 *
 * <p>Values travel as their raw {@code short} bit patterns, which is how typed arrays store them.
 * The package-private rounding and shortest-digit helpers here also serve {@link BFloat16}: the
 * two formats differ only in their field widths.
 */
public final class HalfFloat {

    private HalfFloat() {
    }

    /** Canonical quiet NaN, as produced by C compilers and numpy. */
    static final short NAN = (short) 0x7E00;
    private static final short POS_INF = (short) 0x7C00, NEG_INF = (short) 0xFC00;
    private static final double MAX = 65504.0;
    /** 10 stored fraction bits; exponent -14 is the smallest normal one. */
    private static final int FRAC_BITS = 10, MIN_EXP = -14;
    /** Five significant digits always tell two halves apart (2^11 < 10^4 needs 4 + 1). */
    private static final int MAX_DIGITS = 5;

    /**
     * Parses the strict decimal grammar of {@link FloatText#parseDouble} to the nearest half
     * (ties to even), rounding once from the decimal rather than via float.
     *
     * @throws NumberFormatException on bad syntax or when a finite literal rounds above 65504
     */
    public static short parse(String s) {
        // parseDouble validates the grammar, and its own overflow (beyond 1.8e308) is ours too.
        double d = FloatText.parseDouble(s);
        if (d != d) {
            return NAN;
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? POS_INF : NEG_INF; // a literal "inf": finite overflow threw above
        }
        double r = roundNarrow(s, Math.abs(d), FRAC_BITS, MIN_EXP);
        if (r > MAX) {
            throw FloatParser.outOfRange(s);
        }
        // r is exactly representable as a half, so both conversions below are exact; copySign
        // keeps "-0" and tiny negatives that rounded to zero negative, as strtof would.
        return Float.floatToFloat16((float) Math.copySign(r, d));
    }

    /** The exact value of the half {@code bits} (NaN for any NaN pattern). */
    public static double toDouble(short bits) {
        return Float.float16ToFloat(bits);
    }

    /**
     * Shortest decimal that {@link #parse} reads back to exactly {@code bits}, in the
     * {@link FloatText#formatDouble} layout; "nan" for every NaN pattern, "inf"/"-inf", "0"/"-0".
     */
    public static String format(short bits) {
        double v = toDouble(bits);
        if (!Double.isFinite(v) || v == 0) {
            return FloatText.formatDouble(v); // nan, inf, -inf, 0, -0
        }
        return shortest(v, MAX_DIGITS, s -> parse(s) == bits);
    }

    // ---------------------------------------------------------------- shared with BFloat16

    /**
     * Rounds the magnitude {@code a = |parse(s)|} (a finite double) to a narrower binary format
     * with {@code fracBits} stored fraction bits and minimum normal exponent {@code minExp},
     * rounding to nearest-even from the decimal {@code s} itself. Returns the result as an exact
     * double (possibly above the format's maximum: the caller checks overflow).
     *
     * <p>Why this is correct: every midpoint between two neighbouring narrow values is an exact
     * double and rounding to double is monotone, so the decimal and its double lie on the same
     * side of every midpoint, except when the double IS the midpoint. Only then do we compare the
     * decimal exactly (rare, and the only place a BigDecimal is made).
     */
    static double roundNarrow(String s, double a, int fracBits, int minExp) {
        int quantumExp = Math.max(Math.getExponent(a), minExp) - fracBits;
        double q = Math.scalb(a, -quantumExp); // exact: a power-of-two scaling of a small multiple
        double fl = Math.floor(q);
        double r;
        if (q - fl == 0.5) {
            int cmp = new BigDecimal(s).abs().compareTo(new BigDecimal(a));
            r = cmp > 0 ? fl + 1 : cmp < 0 ? fl : Math.rint(q);
        } else {
            r = Math.rint(q);
        }
        return Math.scalb(r, quantumExp);
    }

    /**
     * Shortest decimal (at most {@code maxDigits} significant digits) for the finite nonzero
     * {@code v} that {@code readsBack} accepts, in {@code %.17g} layout. Narrow values are exact
     * doubles, but their rounding intervals are far wider than a double's, so Double.toString's
     * digits would be too long. Candidates come from inexact double arithmetic; that only
     * affects which candidates are tried, never correctness, as {@code readsBack} checks each.
     */
    static String shortest(double v, int maxDigits, Predicate<String> readsBack) {
        boolean neg = v < 0;
        double a = Math.abs(v);
        int x = (int) Math.floor(Math.log10(a));
        if (a < Math.pow(10, x)) { // log10 may be off by one next to a power of ten
            x--;
        } else if (a >= Math.pow(10, x + 1)) {
            x++;
        }
        for (int p = 1; p <= maxDigits; p++) {
            int n = p - 1 - x;
            double scaled = n >= 0 ? a * Math.pow(10, n) : a / Math.pow(10, -n);
            long lo = (long) Math.floor(scaled);
            // Nearest candidate first; the other neighbour can still win where the rounding
            // interval is lopsided (at powers of two).
            long first = scaled - lo <= 0.5 ? lo : lo + 1;
            for (int j = 0; j < 2; j++) {
                long k = j == 0 ? first : 2 * lo + 1 - first; // the other of lo, lo + 1
                if (k == 0) {
                    continue;
                }
                String digits = Long.toString(k);
                String s = FloatText.layout(neg, digits, digits.length() - 1 - n, FloatText.PRECISION);
                if (readsBackSafely(readsBack, s)) {
                    return s;
                }
            }
        }
        // Unreachable for the formats using this (maxDigits suffices), but stay correct anyway:
        // the float's shortest digits always read back to a value that is also a narrower format's.
        return FloatText.formatFloat((float) v);
    }

    /** A candidate just above the largest finite value overflows in parse: that is a "no". */
    private static boolean readsBackSafely(Predicate<String> readsBack, String s) {
        try {
            return readsBack.test(s);
        } catch (NumberFormatException overflow) {
            return false;
        }
    }
}

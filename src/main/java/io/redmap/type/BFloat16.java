package io.redmap.type;

/**
 * Text conversions for bfloat16: the top 16 bits of an IEEE binary32 (1 sign bit, 8 exponent
 * bits, 7 fraction bits), so float's range with only ~2.4 significant decimal digits.
 *
 * <p>Values travel as their raw {@code short} bit patterns, which is how typed arrays store them.
 */
public final class BFloat16 {

    private BFloat16() {
    }

    /** Canonical quiet NaN: the top half of float's canonical NaN 0x7FC00000. */
    static final short NAN = (short) 0x7FC0;
    private static final short POS_INF = (short) 0x7F80, NEG_INF = (short) 0xFF80;
    /** Largest finite bfloat16, 0x7F7F = (2 - 2^-7) * 2^127 = 3.3895314e38. */
    private static final double MAX = Float.intBitsToFloat(0x7F7F0000);
    /** 7 stored fraction bits; float's smallest normal exponent. */
    private static final int FRAC_BITS = 7, MIN_EXP = Float.MIN_EXPONENT;
    /** Four significant digits always tell two bfloat16 values apart (2^8 < 10^3 needs 3 + 1). */
    private static final int MAX_DIGITS = 4;

    /**
     * Parses the strict decimal grammar of {@link FloatText#parseDouble} to the nearest bfloat16
     * (ties to even), rounding once from the decimal rather than via float (truncating or
     * rounding a float would round twice and sometimes land on the wrong neighbour).
     *
     * @throws NumberFormatException on bad syntax or when a finite literal rounds above 3.3895314e38
     */
    public static short parse(String s) {
        double d = FloatText.parseDouble(s); // validates; double overflow is ours as well
        if (d != d) {
            return NAN;
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? POS_INF : NEG_INF; // a literal "inf": finite overflow threw above
        }
        double r = HalfFloat.roundNarrow(s, Math.abs(d), FRAC_BITS, MIN_EXP);
        if (r > MAX) {
            throw FloatParser.outOfRange(s);
        }
        // r is a bfloat16 value, hence an exact float whose low 16 bits are zero.
        return (short) (Float.floatToRawIntBits((float) Math.copySign(r, d)) >>> 16);
    }

    /** The exact value of the bfloat16 {@code bits} (NaN for any NaN pattern). */
    public static double toDouble(short bits) {
        return Float.intBitsToFloat(bits << 16);
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
        return HalfFloat.shortest(v, MAX_DIGITS, s -> parse(s) == bits);
    }
}

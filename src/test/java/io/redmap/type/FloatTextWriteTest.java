package io.redmap.type;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link FloatText#writeDouble}/{@link FloatText#writeFloat} (and {@link FloatText#formatDouble}/
 * {@link FloatText#formatFloat}, now built on them) against the String-based algorithm they
 * replaced, kept here as the oracle: same text byte for byte, nothing written outside it, at most
 * {@link FloatText#MAX_LENGTH} bytes, and the text parses back to the same bits.
 */
class FloatTextWriteTest {

    // Shrinking is off: a failure already names the value and its bits, a "smaller" double is no
    // easier to read, and replaying a stored shrinking sequence after a fix can take many minutes.

    /** Bytes around the text that must stay untouched. */
    private static final int PAD = 7;
    private static final byte FILL = '#';

    // ---------------------------------------------------------------- properties

    @Property(tries = 10_000, shrinking = ShrinkingMode.OFF)
    void anyDoubleBits(@ForAll("bits64") long bits) {
        assertThat(doubleProblem(Double.longBitsToDouble(bits))).isNull();
    }

    @Property(tries = 10_000, shrinking = ShrinkingMode.OFF)
    void anyFloatBits(@ForAll("bits32") int bits) {
        assertThat(floatProblem(Float.intBitsToFloat(bits))).isNull();
    }

    @Property(tries = 5_000, shrinking = ShrinkingMode.OFF)
    void jqwikDoubles(@ForAll double v) { // its own mix, edge cases included
        assertThat(doubleProblem(v)).isNull();
    }

    @Property(tries = 10_000, shrinking = ShrinkingMode.OFF)
    void shortDecimalDoubles(@ForAll("shortDecimal") String decimal) {
        double v = Double.parseDouble(decimal);
        assertThat(doubleProblem(v)).as(decimal).isNull();
        assertThat(floatProblem((float) v)).as(decimal).isNull();
    }

    @Property(tries = 10_000, shrinking = ShrinkingMode.OFF)
    void shortDecimalFloats(@ForAll("shortFloatDecimal") String decimal) {
        float f = Float.parseFloat(decimal); // correctly rounded from the decimal itself
        assertThat(floatProblem(f)).as(decimal).isNull();
        assertThat(doubleProblem(f)).as(decimal).isNull();
    }

    @Property(tries = 5_000, shrinking = ShrinkingMode.OFF)
    void integers(@ForAll("integer") long n) {
        assertThat(doubleProblem(n)).isNull();
        assertThat(floatProblem(n)).isNull();
    }

    @Property(tries = 3_000, shrinking = ShrinkingMode.OFF)
    void subnormals(@ForAll("subnormalBits") long bits, @ForAll boolean neg) {
        double d = Double.longBitsToDouble(bits | (neg ? Long.MIN_VALUE : 0));
        assertThat(doubleProblem(d)).isNull();
        float f = Float.intBitsToFloat((int) (bits & 0x7fffff) | (neg ? Integer.MIN_VALUE : 0));
        assertThat(floatProblem(f)).isNull();
    }

    @Property(tries = 3_000, shrinking = ShrinkingMode.OFF)
    void writesAtAnyOffset(@ForAll double v, @ForAll @IntRange(max = 100) int offset) {
        byte[] dst = new byte[offset + FloatText.MAX_LENGTH + PAD];
        Arrays.fill(dst, FILL);
        int n = FloatText.writeDouble(v, dst, offset);
        assertThat(new String(dst, offset, n, StandardCharsets.ISO_8859_1)).isEqualTo(oracleDouble(v));
        assertThat(untouched(dst, offset, n)).isTrue();
        int nf = FloatText.writeFloat((float) v, dst, offset);
        assertThat(new String(dst, offset, nf, StandardCharsets.ISO_8859_1)).isEqualTo(oracleFloat((float) v));
    }

    /** The String layout HalfFloat and LongDouble use: any digits, any precision. */
    @Property(tries = 3_000, shrinking = ShrinkingMode.OFF)
    void layoutOfDigitStrings(@ForAll("digits") String digits, @ForAll @IntRange(min = -400, max = 400) int exp10,
                              @ForAll boolean neg, @ForAll @IntRange(min = 1, max = 25) int precision) {
        assertThat(FloatText.layout(neg, digits, exp10, precision))
            .isEqualTo(oracleLayout(neg, digits, exp10, precision));
    }

    // ---------------------------------------------------------------- sweeps and examples

    @Test
    void powersOfTenTheirMultiplesAndNeighbours() {
        for (int e = -330; e <= 310; e++) {
            for (int c = 1; c <= 9; c++) {
                double d = Double.parseDouble(c + "e" + e);
                float f = Float.parseFloat(c + "e" + e);
                for (double x : new double[] {d, Math.nextUp(d), Math.nextDown(d)}) {
                    assertThat(doubleProblem(x)).isNull();
                    assertThat(doubleProblem(-x)).isNull();
                }
                for (float x : new float[] {f, Math.nextUp(f), Math.nextDown(f)}) {
                    assertThat(floatProblem(x)).isNull();
                    assertThat(floatProblem(-x)).isNull();
                }
            }
        }
    }

    /** Powers of two and their neighbours: where the rounding interval is lopsided. */
    @Test
    void powersOfTwoAndNeighbours() {
        for (int e = Double.MIN_EXPONENT - 52; e <= Double.MAX_EXPONENT; e++) {
            double d = Math.scalb(1.0, e);
            for (double x : new double[] {d, Math.nextUp(d), Math.nextDown(d), 3 * d}) {
                assertThat(doubleProblem(x)).isNull();
                assertThat(floatProblem((float) x)).isNull();
            }
        }
    }

    /** Every price from 0.00 to 10,000.00 (the fast path), as doubles and as floats. */
    @Test
    void everyHundredthUpToTenThousand() {
        for (int cents = 0; cents <= 1_000_000; cents++) {
            String problem = doubleProblem(cents / 100.0);
            if (problem == null) {
                problem = floatProblem(cents / 100f);
            }
            assertThat(problem).isNull();
        }
    }

    /** Every thousandth from 0.0001 to 1 and every ten-thousandth around the 1e-4 boundary. */
    @Test
    void smallDecimals() {
        for (int i = 0; i <= 1_000_000; i++) {
            String problem = doubleProblem(i / 1e6);
            if (problem == null) {
                problem = floatProblem(i / 1e6f);
            }
            if (problem == null) {
                problem = doubleProblem(Double.parseDouble(i + "e-8"));
            }
            assertThat(problem).isNull();
        }
    }

    /** A stride through every float bit pattern (both signs, every exponent). */
    @Test
    void floatsAcrossTheirWholeRange() {
        for (long bits = 0; bits <= 0xffff_ffffL; bits += 2_039) {
            String problem = floatProblem(Float.intBitsToFloat((int) bits));
            if (problem != null) {
                assertThat(problem).isNull();
            }
        }
    }

    @Test
    void extremesAndSpecials() {
        assertWritten(-Double.MIN_NORMAL, "-2.2250738585072014e-308");
        assertWritten(Double.MAX_VALUE, "1.7976931348623157e+308");
        assertWritten(-Double.MIN_VALUE, "-4.9e-324");
        assertWritten(0.0, "0");
        assertWritten(-0.0, "-0");
        assertWritten(Double.NaN, "nan");
        assertWritten(Double.longBitsToDouble(0xfff8_0000_0000_0001L), "nan"); // a negative NaN
        assertWritten(Double.POSITIVE_INFINITY, "inf");
        assertWritten(Double.NEGATIVE_INFINITY, "-inf");
        assertWritten(217.86, "217.86");
        assertWritten(-1500.0, "-1500");
        assertWritten(0.0001, "0.0001");
        assertWritten(0.00012, "0.00012");
        assertWritten(Math.nextDown(0.0001), "9.999999999999999e-05");
        assertWritten(0.00001, "1e-05");
        assertWritten(9007199254740991.0, "9007199254740991");
        assertWritten(9007199254740992.0, "9007199254740992");
        assertWritten(1e16, "10000000000000000");
        assertWritten(1e17, "1e+17");
        assertWritten(0.1 + 0.2, "0.30000000000000004");

        assertWrittenFloat(-1.2345678e16f, "-12345678000000000");
        assertWrittenFloat(Float.MAX_VALUE, "3.4028235e+38");
        assertWrittenFloat(-Float.MIN_VALUE, "-1.4e-45");
        assertWrittenFloat(-0.0f, "-0");
        assertWrittenFloat(Float.intBitsToFloat(0xffc0_0001), "nan");
        assertWrittenFloat(Float.NEGATIVE_INFINITY, "-inf");
        assertWrittenFloat(0.1f, "0.1");
        assertWrittenFloat(217.86f, "217.86");
        assertWrittenFloat(12345.67f, "12345.67");
        assertWrittenFloat(16777215f, "16777215");
        assertWrittenFloat(16777216f, "16777216");
        assertWrittenFloat(1e-4f, "0.0001");
    }

    /** MAX_LENGTH is reached, by the longest digits with a three-digit exponent, and is exact. */
    @Test
    void maxLengthIsTight() {
        byte[] dst = new byte[FloatText.MAX_LENGTH];
        assertThat(FloatText.writeDouble(-Double.MIN_NORMAL, dst, 0)).isEqualTo(FloatText.MAX_LENGTH);
        assertThat(FloatText.writeDouble(-0x1.fffffffffffffp-1000, dst, 0)).isEqualTo(FloatText.MAX_LENGTH);
        assertThat(FloatText.writeFloat(-1.2345678e16f, dst, 0)).isEqualTo(18);
    }

    @Test
    void digitCountAtEveryPowerOfTenAndTwo() {
        long p = 1;
        for (int t = 0; t <= 18; t++, p *= 10) {
            for (long v : new long[] {p - 1, p, p + 1}) {
                assertThat(ShortestDecimal.digitCount(v)).as("%d", v).isEqualTo(Long.toString(v).length());
            }
        }
        for (int b = 0; b < 60; b++) {
            for (long v : new long[] {(1L << b) - 1, 1L << b, (1L << b) + 1}) {
                assertThat(ShortestDecimal.digitCount(v)).as("%d", v).isEqualTo(Long.toString(v).length());
            }
        }
    }

    // ---------------------------------------------------------------- checks

    private static void assertWritten(double v, String expected) {
        assertThat(oracleDouble(v)).isEqualTo(expected); // the example itself is right
        assertThat(doubleProblem(v)).isNull();
    }

    private static void assertWrittenFloat(float v, String expected) {
        assertThat(oracleFloat(v)).isEqualTo(expected);
        assertThat(floatProblem(v)).isNull();
    }

    /** What is wrong with the text of {@code v}, or null. Cheap enough for sweeps of millions. */
    static String doubleProblem(double v) {
        String expected = oracleDouble(v);
        byte[] dst = filled();
        int n = FloatText.writeDouble(v, dst, PAD);
        String text = new String(dst, PAD, Math.clamp(n, 0, dst.length - PAD), StandardCharsets.ISO_8859_1);
        String problem = textProblem(expected, text, dst, n);
        if (problem == null && !expected.equals(FloatText.formatDouble(v))) {
            problem = "formatDouble gives " + FloatText.formatDouble(v);
        }
        if (problem == null && !Double.isNaN(v)
                && Double.doubleToRawLongBits(FloatText.parseDouble(text)) != Double.doubleToRawLongBits(v)) {
            problem = "does not read back";
        }
        return problem == null ? null : problem + " for " + v + " (bits " + Long.toHexString(Double.doubleToRawLongBits(v))
            + "): expected " + expected + ", wrote " + text;
    }

    static String floatProblem(float v) {
        String expected = oracleFloat(v);
        byte[] dst = filled();
        int n = FloatText.writeFloat(v, dst, PAD);
        String text = new String(dst, PAD, Math.clamp(n, 0, dst.length - PAD), StandardCharsets.ISO_8859_1);
        String problem = textProblem(expected, text, dst, n);
        if (problem == null && !expected.equals(FloatText.formatFloat(v))) {
            problem = "formatFloat gives " + FloatText.formatFloat(v);
        }
        if (problem == null && !Float.isNaN(v)
                && Float.floatToRawIntBits(FloatText.parseFloat(text)) != Float.floatToRawIntBits(v)) {
            problem = "does not read back";
        }
        return problem == null ? null : problem + " for " + v + "f (bits " + Integer.toHexString(Float.floatToRawIntBits(v))
            + "): expected " + expected + ", wrote " + text;
    }

    private static byte[] filled() {
        byte[] dst = new byte[PAD + FloatText.MAX_LENGTH + PAD];
        Arrays.fill(dst, FILL);
        return dst;
    }

    private static String textProblem(String expected, String text, byte[] dst, int n) {
        if (n > FloatText.MAX_LENGTH) {
            return "longer than MAX_LENGTH";
        }
        if (!text.equals(expected)) {
            return "different text";
        }
        if (!untouched(dst, PAD, n)) {
            return "wrote outside its text";
        }
        return null;
    }

    private static boolean untouched(byte[] dst, int offset, int n) {
        for (int i = 0; i < dst.length; i++) {
            if ((i < offset || i >= offset + n) && dst[i] != FILL) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- generators

    /** Uniform bits (every exponent equally likely), and jqwik's mix that favours small ones. */
    @Provide
    Arbitrary<Long> bits64() {
        return Arbitraries.oneOf(Arbitraries.longs().withDistribution(RandomDistribution.uniform()), Arbitraries.longs());
    }

    @Provide
    Arbitrary<Integer> bits32() {
        return Arbitraries.oneOf(
            Arbitraries.integers().withDistribution(RandomDistribution.uniform()), Arbitraries.integers());
    }

    /** m * 10^-k as text: up to 18 digits, up to 17 fraction digits, either sign. */
    @Provide
    Arbitrary<String> shortDecimal() {
        Arbitrary<Long> mantissa = Arbitraries.oneOf(
            Arbitraries.longs().between(0, 999),
            Arbitraries.longs().between(0, 999_999),
            Arbitraries.longs().between(0, 999_999_999_999_999L),
            Arbitraries.longs().between(0, 999_999_999_999_999_999L));
        return Combinators.combine(Arbitraries.of("", "-"), mantissa, Arbitraries.integers().between(0, 17))
            .as((sign, m, k) -> sign + m + "e-" + k);
    }

    /** m * 10^-k as text with up to 9 digits, the range of float's shortest digits. */
    @Provide
    Arbitrary<String> shortFloatDecimal() {
        Arbitrary<Long> mantissa = Arbitraries.oneOf(
            Arbitraries.longs().between(0, 99_999),
            Arbitraries.longs().between(0, 9_999_999),
            Arbitraries.longs().between(0, 999_999_999));
        return Combinators.combine(Arbitraries.of("", "-"), mantissa, Arbitraries.integers().between(0, 14))
            .as((sign, m, k) -> sign + m + "e-" + k);
    }

    @Provide
    Arbitrary<Long> integer() {
        return Arbitraries.oneOf(
            Arbitraries.longs().between(-100_000, 100_000),
            Arbitraries.longs().between(-(1L << 53) - 10, (1L << 53) + 10),
            Arbitraries.longs().between((1L << 53) - 1000, (1L << 53) + 1000),
            Arbitraries.longs().between((1L << 24) - 1000, (1L << 24) + 1000),
            Arbitraries.longs());
    }

    @Provide
    Arbitrary<Long> subnormalBits() {
        return Arbitraries.oneOf(
            Arbitraries.longs().between(0, (1L << 52) - 1),
            Arbitraries.longs().between(0, 1000),
            Arbitraries.longs().between((1L << 52) - 1000, (1L << 52) - 1));
    }

    @Provide
    Arbitrary<String> digits() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 9),
                Arbitraries.strings().numeric().ofMaxLength(24))
            .as((first, rest) -> first + rest);
    }

    // ---------------------------------------------------------------- the oracle

    // The String-based algorithm formatDouble/formatFloat used before the write methods existed.

    static String oracleDouble(double v) {
        return Double.isFinite(v) ? oracleFromJava(Double.toString(v)) : oracleNonFinite(v);
    }

    static String oracleFloat(float v) {
        return Float.isFinite(v) ? oracleFromJava(Float.toString(v)) : oracleNonFinite(v);
    }

    private static String oracleNonFinite(double v) {
        return v != v ? "nan" : v > 0 ? "inf" : "-inf";
    }

    private static String oracleFromJava(String js) {
        int e = js.indexOf('E');
        if (e < 0) {
            return js.endsWith(".0") ? js.substring(0, js.length() - 2) : js;
        }
        boolean neg = js.charAt(0) == '-';
        int first = neg ? 1 : 0;
        StringBuilder digits = new StringBuilder(e);
        digits.append(js.charAt(first));
        digits.append(js, first + 2, e);
        return oracleLayout(neg, digits, Integer.parseInt(js, e + 1, js.length(), 10), FloatText.PRECISION);
    }

    static String oracleLayout(boolean neg, CharSequence digits, int exp10, int precision) {
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
}

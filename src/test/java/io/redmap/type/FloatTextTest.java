package io.redmap.type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FloatTextTest {

    @Test
    void formatsDoublesLikeRedis() {
        assertThat(FloatText.formatDouble(50.0)).isEqualTo("50");
        assertThat(FloatText.formatDouble(0.1)).isEqualTo("0.1");
        assertThat(FloatText.formatDouble(1.5)).isEqualTo("1.5");
        assertThat(FloatText.formatDouble(100)).isEqualTo("100");
        assertThat(FloatText.formatDouble(1e16)).isEqualTo("10000000000000000");
        assertThat(FloatText.formatDouble(1e17)).isEqualTo("1e+17");
        assertThat(FloatText.formatDouble(0.0001)).isEqualTo("0.0001");
        assertThat(FloatText.formatDouble(0.00001)).isEqualTo("1e-05");
        assertThat(FloatText.formatDouble(1e21)).isEqualTo("1e+21");
        assertThat(FloatText.formatDouble(1.5e300)).isEqualTo("1.5e+300");
        assertThat(FloatText.formatDouble(-0.0)).isEqualTo("-0");
        assertThat(FloatText.formatDouble(0.0)).isEqualTo("0");
        assertThat(FloatText.formatDouble(Double.NaN)).isEqualTo("nan");
        assertThat(FloatText.formatDouble(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(FloatText.formatDouble(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(FloatText.formatDouble(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(FloatText.formatDouble(Double.MIN_VALUE)).isEqualTo("4.9e-324");
        assertThat(FloatText.formatDouble(Double.MIN_NORMAL)).isEqualTo("2.2250738585072014e-308");
        assertThat(FloatText.formatDouble(123456.789)).isEqualTo("123456.789");
        assertThat(FloatText.formatDouble(-123456.789)).isEqualTo("-123456.789");
        assertThat(FloatText.formatDouble(1e7)).isEqualTo("10000000");
        assertThat(FloatText.formatDouble(12345678.9)).isEqualTo("12345678.9");
        assertThat(FloatText.formatDouble(1.25e-7)).isEqualTo("1.25e-07");
        assertThat(FloatText.formatDouble(-2.5e-100)).isEqualTo("-2.5e-100");
        assertThat(FloatText.formatDouble(0.001)).isEqualTo("0.001");
        assertThat(FloatText.formatDouble(0.00012)).isEqualTo("0.00012");
        assertThat(FloatText.formatDouble(9007199254740993.0)).isEqualTo("9007199254740992");
        assertThat(FloatText.formatDouble(12345678901234567.0)).isEqualTo("12345678901234568");
        assertThat(FloatText.formatDouble(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
    }

    @Test
    void formatsFloatsWithFloatDigits() {
        assertThat(FloatText.formatFloat(0.1f)).isEqualTo("0.1");
        assertThat(FloatText.formatFloat(3.4028235e38f)).isEqualTo("3.4028235e+38");
        assertThat(FloatText.formatFloat(Float.MIN_VALUE)).isEqualTo("1.4e-45");
        assertThat(FloatText.formatFloat(Float.MIN_NORMAL)).isEqualTo("1.1754944e-38");
        assertThat(FloatText.formatFloat(-0.0f)).isEqualTo("-0");
        assertThat(FloatText.formatFloat(16777216f)).isEqualTo("16777216");
        assertThat(FloatText.formatFloat(1e10f)).isEqualTo("10000000000");
        assertThat(FloatText.formatFloat(Float.NaN)).isEqualTo("nan");
        assertThat(FloatText.formatFloat(Float.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0.0", "-0, -0.0", "+1, 1.0", "1., 1.0", ".5, 0.5", "-.5, -0.5", "1e5, 100000.0",
        "1E+5, 100000.0", "2.5e-3, 0.0025", "00012.5000, 12.5", "0.1, 0.1",
        "1.7976931348623157e308, 1.7976931348623157E308", "4.9e-324, 4.9E-324", "1e-400, 0.0",
        "-1e-400, -0.0", "2.4703282292062328e-324, 4.9E-324", "2.4703282292062327e-324, 0.0",
        "123456789012345678901234567890, 1.2345678901234568E29", "0e999999999999, 0.0",
        "1e-99999999999999, 0.0", "9007199254740993, 9007199254740992",
    })
    void parsesDoubles(String text, double expected) {
        assertThat(Double.doubleToRawLongBits(FloatText.parseDouble(text)))
            .isEqualTo(Double.doubleToRawLongBits(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inf", "INF", "+inf", "Infinity", "+INFINITY", "iNfInItY"})
    void parsesPositiveInfinity(String text) {
        assertThat(FloatText.parseDouble(text)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(FloatText.parseFloat(text)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void parsesNegativeInfinityAndNan() {
        assertThat(FloatText.parseDouble("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(FloatText.parseDouble("-infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(FloatText.parseFloat("-Inf")).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(FloatText.parseDouble("nan")).isNaN();
        assertThat(FloatText.parseDouble("NaN")).isNaN();
        assertThat(FloatText.parseFloat("NAN")).isNaN();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " 1", "1 ", "\t1", "0x10", "0x1p3", "1.5f", "1f", "1.5d", "1d", "abc", "--1", "+-1", "1e",
        "1e+", "1e-", ".", "-", "+", "e5", ".e5", "1..2", "1.2.3", "1e5.5", "1e5e5", "Infinit", "infinityy",
        "in", "nan1", "-nan", "+nan", "NaN(1)", "1_000", "١", "1,5", "Infinity ", "0b1"})
    void rejectsBadSyntax(String text) {
        assertThatThrownBy(() -> FloatText.parseDouble(text)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> FloatText.parseFloat(text)).isInstanceOf(NumberFormatException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "1.7976931348623159e308", "1e99999999999999"})
    void rejectsDoubleOverflow(String text) {
        assertThatThrownBy(() -> FloatText.parseDouble(text))
            .isInstanceOf(NumberFormatException.class).hasMessageContaining("out of range");
    }

    @Test
    void doubleOverflowBoundary() {
        // Halfway between MAX_VALUE and 2^1024 rounds to even, i.e. to infinity; just below stays.
        assertThat(FloatText.parseDouble("1.7976931348623158e308")).isEqualTo(Double.MAX_VALUE);
        assertThatThrownBy(() -> FloatText.parseDouble("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"))
            .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void parsesFloatsWithoutDoubleRounding() {
        assertThat(FloatText.parseFloat("0.1")).isEqualTo(0.1f);
        assertThat(FloatText.parseFloat("3.4028235e38")).isEqualTo(Float.MAX_VALUE);
        assertThat(FloatText.parseFloat("1.4e-45")).isEqualTo(Float.MIN_VALUE);
        assertThat(FloatText.parseFloat("1e-50")).isEqualTo(0.0f);
        assertThat(Float.floatToRawIntBits(FloatText.parseFloat("-0"))).isEqualTo(0x80000000);
        // 1 + 2^-24 + 2^-60: via double it would round to the tie 1 + 2^-24, then to even 1.0f;
        // correctly rounded from the decimal it is just above the tie, so 1 + 2^-23.
        String justAboveTie = new BigDecimal(1.0 + 0x1p-24).add(new BigDecimal(0x1p-60)).toPlainString();
        assertThat(FloatText.parseFloat(justAboveTie)).isEqualTo(1.0f + 0x1p-23f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e39", "-1e39", "3.4028236e38", "1e400"})
    void rejectsFloatOverflow(String text) {
        assertThatThrownBy(() -> FloatText.parseFloat(text))
            .isInstanceOf(NumberFormatException.class).hasMessageContaining("out of range");
    }

    @Property(tries = 5000)
    void everyDoubleRoundTrips(@ForAll("anyDouble") double d) {
        String text = FloatText.formatDouble(d);
        double back = FloatText.parseDouble(text);
        if (Double.isNaN(d)) {
            assertThat(back).isNaN();
        } else {
            assertThat(Double.doubleToRawLongBits(back)).as(text).isEqualTo(Double.doubleToRawLongBits(d));
            if (Double.isFinite(d)) { // same digits as Java's shortest repr, only laid out differently
                assertThat(new BigDecimal(text)).isEqualByComparingTo(new BigDecimal(Double.toString(d)));
            }
        }
    }

    @Property(tries = 5000)
    void everyFloatRoundTrips(@ForAll("anyFloat") float f) {
        String text = FloatText.formatFloat(f);
        float back = FloatText.parseFloat(text);
        if (Float.isNaN(f)) {
            assertThat(back).isNaN();
        } else {
            assertThat(Float.floatToRawIntBits(back)).as(text).isEqualTo(Float.floatToRawIntBits(f));
        }
    }

    @Property(tries = 3000)
    void parsingAgreesWithJava(@ForAll("decimalText") String text) {
        double expected = Double.parseDouble(text);
        if (Double.isInfinite(expected)) {
            assertThatThrownBy(() -> FloatText.parseDouble(text)).isInstanceOf(NumberFormatException.class);
        } else {
            assertThat(Double.doubleToRawLongBits(FloatText.parseDouble(text)))
                .isEqualTo(Double.doubleToRawLongBits(expected));
        }
        float expectedFloat = Float.parseFloat(text);
        if (Float.isInfinite(expectedFloat)) {
            assertThatThrownBy(() -> FloatText.parseFloat(text)).isInstanceOf(NumberFormatException.class);
        } else {
            assertThat(Float.floatToRawIntBits(FloatText.parseFloat(text)))
                .isEqualTo(Float.floatToRawIntBits(expectedFloat));
        }
    }

    @Provide
    Arbitrary<Double> anyDouble() {
        return Arbitraries.oneOf(
            Arbitraries.longs().map(Double::longBitsToDouble),
            Arbitraries.doubles(),
            Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 1e16, 1e17, 1e-4, 1e-5));
    }

    @Provide
    Arbitrary<Float> anyFloat() {
        return Arbitraries.oneOf(
            Arbitraries.integers().map(Float::intBitsToFloat),
            Arbitraries.floats(),
            Arbitraries.of(0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL));
    }

    /** Strings in our grammar, including short ones that take the fast paths. */
    @Provide
    Arbitrary<String> decimalText() {
        Arbitrary<String> sign = Arbitraries.of("", "-", "+");
        Arbitrary<String> intPart = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> frac = Arbitraries.strings().numeric().ofMaxLength(20).map(f -> "." + f);
        Arbitrary<String> fracOpt = Arbitraries.oneOf(Arbitraries.just(""), frac);
        Arbitrary<String> exp = Arbitraries.oneOf(Arbitraries.just(""),
            Arbitraries.integers().between(-340, 340).map(e -> "e" + e));
        return Combinators.combine(sign, intPart, fracOpt, exp).as((s, i, f, e) -> s + i + f + e);
    }
}

package io.redmap.type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BFloat16Test {

    @ParameterizedTest
    @CsvSource({
        "1, 3f80", "-1, bf80", "0.1, 3dcd", "3.3895314e38, 7f7f", "-3.3895314e38, ff7f",
        "3.3961775e38, 7f7f", "0, 0000", "-0, 8000", "-1e-50, 8000", "1e-400, 0000",
        "1.1754944e-38, 0080", "9.183549615799121e-41, 0001", "9.2e-41, 0001",
        "4.59177480789956e-41, 0000", "4.5917748078995605e-41, 0000", "4.5917748078995606e-41, 0001", "257, 4380", "259, 4382", "3.14159, 4049",
        "inf, 7f80", "-Infinity, ff80", "16777217, 4b80",
    })
    void parses(String text, String hex) {
        assertThat(BFloat16.parse(text)).isEqualTo((short) Integer.parseInt(hex, 16));
    }

    @Test
    void parsesNan() {
        assertThat(BFloat16.toDouble(BFloat16.parse("nan"))).isNaN();
        assertThat(BFloat16.parse("NAN")).isEqualTo(BFloat16.NAN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.3961776e38", "-3.4e38", "3.4028235e38", "1e39", "1e400", "-1e400"})
    void rejectsOverflow(String text) {
        assertThatThrownBy(() -> BFloat16.parse(text))
            .isInstanceOf(NumberFormatException.class).hasMessageContaining("out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1", "1 ", "0x10", "1.5f", "abc", "--1", "1e", ".", "-nan", "1b"})
    void rejectsBadSyntax(String text) {
        assertThatThrownBy(() -> BFloat16.parse(text)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void formats() {
        assertThat(BFloat16.format((short) 0x3f80)).isEqualTo("1");
        assertThat(BFloat16.format((short) 0x3dcd)).isEqualTo("0.1");
        assertThat(BFloat16.format((short) 0x4049)).isEqualTo("3.14");
        assertThat(BFloat16.format((short) 0x7f7f)).isEqualTo("3.39e+38");
        assertThat(BFloat16.format((short) 0xff7f)).isEqualTo("-3.39e+38");
        assertThat(BFloat16.format((short) 0x0001)).isEqualTo("9e-41");
        assertThat(BFloat16.format((short) 0x0080)).isEqualTo("1.18e-38");
        assertThat(BFloat16.format((short) 0x4380)).isEqualTo("256");
        assertThat(BFloat16.format((short) 0x0000)).isEqualTo("0");
        assertThat(BFloat16.format((short) 0x8000)).isEqualTo("-0");
        assertThat(BFloat16.format((short) 0x7f80)).isEqualTo("inf");
        assertThat(BFloat16.format((short) 0xff80)).isEqualTo("-inf");
        assertThat(BFloat16.format((short) 0x7fc0)).isEqualTo("nan");
        assertThat(BFloat16.format((short) 0xff81)).isEqualTo("nan");
    }

    @Test
    void toDoubleIsExact() {
        assertThat(BFloat16.toDouble((short) 0x7f7f)).isEqualTo(3.3895313892515355e38);
        assertThat(BFloat16.toDouble((short) 0x0001)).isEqualTo(0x1p-133);
        assertThat(BFloat16.toDouble((short) 0x8000)).isEqualTo(-0.0);
        assertThat(BFloat16.toDouble((short) 0x3dcd)).isEqualTo(0.10009765625);
    }

    /** Every one of the 65536 patterns: format reads back, and no shorter decimal would. */
    @Test
    void allPatternsRoundTripShortest() {
        for (int i = 0; i < 0x10000; i++) {
            short bits = (short) i;
            String text = BFloat16.format(bits);
            double v = BFloat16.toDouble(bits);
            if (Double.isNaN(v)) {
                assertThat(text).isEqualTo("nan");
                assertThat(BFloat16.parse(text)).isEqualTo(BFloat16.NAN);
                continue;
            }
            assertThat(BFloat16.parse(text)).as("%04x -> %s", i, text).isEqualTo(bits);
            if (Double.isFinite(v) && v != 0) {
                assertNoShorter(v, text, bits);
            }
        }
    }

    private static void assertNoShorter(double v, String text, short bits) {
        int digits = new BigDecimal(text).stripTrailingZeros().precision();
        if (digits == 1) {
            return;
        }
        BigDecimal exact = new BigDecimal(v);
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
            String shorter = exact.round(new MathContext(digits - 1, mode)).toString();
            short back;
            try {
                back = BFloat16.parse(shorter);
            } catch (NumberFormatException overflow) {
                continue;
            }
            assertThat(back).as("%s is shorter than %s", shorter, text).isNotEqualTo(bits);
        }
    }

    /**
     * Exactly at, just above and just below every midpoint between neighbouring bfloat16 values: the
     * cases where rounding through double or float first would go wrong.
     */
    @Test
    void roundsMidpointsFromTheDecimal() {
        for (int b = 0; b < 0x7f7f; b++) {
            BigDecimal mid = new BigDecimal(BFloat16.toDouble((short) b))
                .add(new BigDecimal(BFloat16.toDouble((short) (b + 1)))).divide(BigDecimal.TWO);
            BigDecimal nudge = mid.movePointLeft(30); // far below any ulp, far above zero
            short even = (short) ((b & 1) == 0 ? b : b + 1);
            assertThat(BFloat16.parse(mid.toString())).isEqualTo(even);
            assertThat(BFloat16.parse("-" + mid)).isEqualTo((short) (even | 0x8000));
            assertThat(BFloat16.parse(mid.add(nudge).toString())).isEqualTo((short) (b + 1));
            assertThat(BFloat16.parse(mid.subtract(nudge).toString())).isEqualTo((short) b);
        }
        // The overflow threshold (2 - 2^-8) * 2^127 is itself a tie that rounds to even: infinity.
        BigDecimal threshold = new BigDecimal(0x1.ffp127);
        assertThat(BFloat16.parse(threshold.subtract(BigDecimal.ONE).toString())).isEqualTo((short) 0x7f7f);
        assertThatThrownBy(() -> BFloat16.parse(threshold.toString())).isInstanceOf(NumberFormatException.class);
    }

    /** Parsing a float's exact decimal expansion must agree with rounding the float's bits. */
    @Property(tries = 5000)
    void agreesWithRoundingOfExactFloats(@ForAll("finiteFloats") float f) {
        int bits = Float.floatToRawIntBits(f);
        // Round-to-nearest-even on the low 16 bits of the float, the usual bfloat16 conversion.
        short expected = (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
        String text = (bits < 0 ? "-" : "") + new BigDecimal(f).abs().toString();
        if ((expected & 0x7f80) == 0x7f80) {
            assertThatThrownBy(() -> BFloat16.parse(text)).isInstanceOf(NumberFormatException.class);
        } else {
            assertThat(BFloat16.parse(text)).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<Float> finiteFloats() {
        return Arbitraries.oneOf(
            Arbitraries.integers().map(Float::intBitsToFloat).filter(Float::isFinite),
            Arbitraries.floats().between(-1000f, 1000f),
            Arbitraries.integers().between(0, 0xffff).map(h -> Float.intBitsToFloat(h << 16 | 0x8000))
                .filter(Float::isFinite));
    }
}

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

class HalfFloatTest {

    @ParameterizedTest
    @CsvSource({
        "1, 3c00", "-1, bc00", "0.1, 2e66", "65504, 7bff", "-65504, fbff", "65519.99, 7bff",
        "0, 0000", "-0, 8000", "-1e-10, 8000", "1e-400, 0000", "6.103515625e-5, 0400",
        "5.9604644775390625e-8, 0001", "6e-8, 0001", "2.98023223876953125e-8, 0000",
        "2.98023223876953125000000000001e-8, 0001", "8.940696716308594e-8, 0002",
        "2049, 6800", "2051, 6802", "inf, 7c00", "-Infinity, fc00", "0.333333333, 3555",
    })
    void parses(String text, String hex) {
        assertThat(HalfFloat.parse(text)).isEqualTo((short) Integer.parseInt(hex, 16));
    }

    @Test
    void parsesNan() {
        assertThat(Float.isNaN(Float.float16ToFloat(HalfFloat.parse("nan")))).isTrue();
        assertThat(HalfFloat.toDouble(HalfFloat.parse("NaN"))).isNaN();
    }

    @ParameterizedTest
    @ValueSource(strings = {"65520", "-65520", "65536", "1e5", "1e400", "-1e400", "65520.0000000000000001"})
    void rejectsOverflow(String text) {
        assertThatThrownBy(() -> HalfFloat.parse(text))
            .isInstanceOf(NumberFormatException.class).hasMessageContaining("out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1", "1 ", "0x10", "1.5f", "abc", "--1", "1e", ".", "-nan", "1.5h"})
    void rejectsBadSyntax(String text) {
        assertThatThrownBy(() -> HalfFloat.parse(text)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void formats() {
        assertThat(HalfFloat.format((short) 0x3c00)).isEqualTo("1");
        assertThat(HalfFloat.format((short) 0x2e66)).isEqualTo("0.1");
        assertThat(HalfFloat.format((short) 0x3555)).isEqualTo("0.3333");
        assertThat(HalfFloat.format((short) 0x7bff)).isEqualTo("65500");
        assertThat(HalfFloat.format((short) 0xfbff)).isEqualTo("-65500");
        assertThat(HalfFloat.format((short) 0x0001)).isEqualTo("6e-08");
        assertThat(HalfFloat.format((short) 0x0400)).isEqualTo("6.104e-05");
        assertThat(HalfFloat.format((short) 0x0000)).isEqualTo("0");
        assertThat(HalfFloat.format((short) 0x8000)).isEqualTo("-0");
        assertThat(HalfFloat.format((short) 0x7c00)).isEqualTo("inf");
        assertThat(HalfFloat.format((short) 0xfc00)).isEqualTo("-inf");
        assertThat(HalfFloat.format((short) 0x7e00)).isEqualTo("nan");
        assertThat(HalfFloat.format((short) 0xfc01)).isEqualTo("nan");
        assertThat(HalfFloat.format((short) 0x6802)).isEqualTo("2052");
    }

    @Test
    void toDoubleIsExact() {
        assertThat(HalfFloat.toDouble((short) 0x7bff)).isEqualTo(65504.0);
        assertThat(HalfFloat.toDouble((short) 0x0001)).isEqualTo(0x1p-24);
        assertThat(HalfFloat.toDouble((short) 0x8000)).isEqualTo(-0.0);
        assertThat(HalfFloat.toDouble((short) 0xfc00)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    /** Every one of the 65536 patterns: format reads back, and no shorter decimal would. */
    @Test
    void allHalvesRoundTripShortest() {
        for (int i = 0; i < 0x10000; i++) {
            short bits = (short) i;
            String text = HalfFloat.format(bits);
            double v = HalfFloat.toDouble(bits);
            if (Double.isNaN(v)) {
                assertThat(text).isEqualTo("nan");
                assertThat(HalfFloat.parse(text)).isEqualTo(HalfFloat.NAN);
                continue;
            }
            assertThat(HalfFloat.parse(text)).as("%04x -> %s", i, text).isEqualTo(bits);
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
                back = HalfFloat.parse(shorter);
            } catch (NumberFormatException overflow) {
                continue;
            }
            assertThat(back).as("%s is shorter than %s", shorter, text).isNotEqualTo(bits);
        }
    }

    /**
     * Exactly at, just above and just below every midpoint between neighbouring halves: the
     * cases where rounding through double or float first would go wrong.
     */
    @Test
    void roundsMidpointsFromTheDecimal() {
        for (int b = 0; b < 0x7bff; b++) {
            BigDecimal mid = new BigDecimal(HalfFloat.toDouble((short) b))
                .add(new BigDecimal(HalfFloat.toDouble((short) (b + 1)))).divide(BigDecimal.TWO);
            BigDecimal nudge = mid.movePointLeft(30); // far below any ulp, far above zero
            short even = (short) ((b & 1) == 0 ? b : b + 1);
            assertThat(HalfFloat.parse(mid.toString())).isEqualTo(even);
            assertThat(HalfFloat.parse("-" + mid)).isEqualTo((short) (even | 0x8000));
            assertThat(HalfFloat.parse(mid.add(nudge).toString())).isEqualTo((short) (b + 1));
            assertThat(HalfFloat.parse(mid.subtract(nudge).toString())).isEqualTo((short) b);
        }
        assertThat(HalfFloat.parse("65519.99999999999999999999")).isEqualTo((short) 0x7bff);
        assertThatThrownBy(() -> HalfFloat.parse("65520")).isInstanceOf(NumberFormatException.class);
    }

    /** Parsing a float's exact decimal expansion must agree with the JDK's float-to-half rounding. */
    @Property(tries = 5000)
    void agreesWithJdkRoundingOfExactFloats(@ForAll("finiteFloats") float f) {
        short expected = Float.floatToFloat16(f);
        String text = (Float.floatToRawIntBits(f) < 0 ? "-" : "") + new BigDecimal(f).abs().toString();
        if (Float.isInfinite(Float.float16ToFloat(expected))) {
            assertThatThrownBy(() -> HalfFloat.parse(text)).isInstanceOf(NumberFormatException.class);
        } else {
            assertThat(HalfFloat.parse(text)).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<Float> finiteFloats() {
        return Arbitraries.oneOf(
            Arbitraries.integers().map(Float::intBitsToFloat).filter(Float::isFinite),
            Arbitraries.floats().between(-70000f, 70000f),
            Arbitraries.integers().between(0, 0x38ffffff).map(Float::intBitsToFloat)); // below 2^-13
    }
}

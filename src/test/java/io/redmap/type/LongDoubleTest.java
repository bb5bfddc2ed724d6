package io.redmap.type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LongDoubleTest {

    /**
     * {input, sign+exponent, significand} as printed by a throwaway C program compiled with
     * gcc 12 on x86-64: {@code long double v = strtold(input, NULL)}, then its first 10 bytes.
     * So these are glibc's strtold results, an independent correctly rounded reference.
     */
    private static final String[][] GLIBC_STRTOLD = {
        {"0", "0000", "0000000000000000"},
        {"-0", "8000", "0000000000000000"},
        {"1", "3fff", "8000000000000000"},
        {"-1", "bfff", "8000000000000000"},
        {"0.1", "3ffb", "cccccccccccccccd"},
        {"0.2", "3ffc", "cccccccccccccccd"},
        {"0.3", "3ffd", "999999999999999a"},
        {"2", "4000", "8000000000000000"},
        {"10", "4002", "a000000000000000"},
        {"100", "4005", "c800000000000000"},
        {"0.5", "3ffe", "8000000000000000"},
        {"1e-4", "3ff1", "d1b71758e219652c"},
        {"1e-5", "3fee", "a7c5ac471b478423"},
        {"123456.789", "400f", "f12064fdf3b645a2"},
        {"3.14159265358979323846264338327950288", "4000", "c90fdaa22168c235"},
        {"2.71828182845904523536028747135266250", "4000", "adf85458a2bb4a9b"},
        {"1e-4940", "0000", "0000000663278e62"},
        {"1e-4950", "0000", "0000000000000003"},
        {"3.6e-4951", "0000", "0000000000000001"},
        {"3.645199531882474602528e-4951", "0000", "0000000000000001"},
        {"1e-4951", "0000", "0000000000000000"},
        {"1.8225997659412373012642e-4951", "0000", "0000000000000000"},
        {"1.8225997659412373012643e-4951", "0000", "0000000000000001"},
        {"3.3621031431120935063e-4932", "0001", "8000000000000000"},
        {"3.3621031431120935062e-4932", "0001", "8000000000000000"},
        {"6.72420628622418701252535563464350521e-4932", "0002", "8000000000000000"},
        {"1.18973149535723176502e+4932", "7ffe", "ffffffffffffffff"},
        {"1.18973149535723176505e+4932", "7ffe", "ffffffffffffffff"},
        {"1.7976931348623157e308", "43fe", "fffffffffffff7ac"},
        {"4.9406564584124654e-324", "3bcc", "ffffffffffffff64"},
        {"1e308", "43fe", "8e679c2f5e44ff8f"},
        {"1e-308", "3bff", "e61acf033d1a45df"},
        {"1e4000", "73e6", "d1ba8323fe558c61"},
        {"1e-4000", "0c17", "9c3d73864f3805c0"},
        {"123456789012345678901234567890", "405f", "c77487fb61b9f077"},
        {"0.333333333333333333333333333333", "3ffd", "aaaaaaaaaaaaaaab"},
        {"18446744073709551615", "403e", "ffffffffffffffff"},
        {"18446744073709551616", "403f", "8000000000000000"},
        {"9223372036854775807", "403d", "fffffffffffffffe"},
        {"9223372036854775808", "403e", "8000000000000000"},
        {"18446744073709551617", "403f", "8000000000000000"},
        {"36893488147419103231", "4040", "8000000000000000"},
        {"1.5", "3fff", "c000000000000000"},
        {"-2.5e-10", "bfdf", "89705f4136b4a597"},
        {"65504", "400e", "ffe0000000000000"},
        {"3.4028235e38", "407e", "ffffff2a6d7fc1bf"},
        {"1e21", "4044", "d8d726b7177a8000"},
        {"1e22", "4048", "878678326eac9000"},
        {"1e23", "404b", "a968163f0a57b400"},
        {"1e-300", "3c1a", "ab70fe17c79ac6ca"},
        {".5", "3ffe", "8000000000000000"},
        {"5.", "4001", "a000000000000000"},
        {"+7", "4001", "e000000000000000"},
        {"-inf", "ffff", "8000000000000000"},
        {"INF", "7fff", "8000000000000000"},
        {"infinity", "7fff", "8000000000000000"},
        {"nan", "7fff", "c000000000000000"},
        // 1 + 2^-64 is a tie between 1 and 1 + 2^-63: to even; a hair above goes up.
        {"1.0000000000000000000542101086242752217003726400434970855712890625", "3fff", "8000000000000000"},
        {"1.0000000000000000000542101086242752217003726400434970855712890625000001", "3fff", "8000000000000001"},
        // 1 + 3 * 2^-64 is a tie between odd ...01 and even ...02.
        {"1.0000000000000000001626303258728256651011179201304912567138671875", "3fff", "8000000000000002"},
        {"1.0000000000000000001626303258728256651011179201304912567138671874999999", "3fff", "8000000000000001"},
    };

    @Test
    void parsesLikeGlibcStrtold() {
        for (String[] row : GLIBC_STRTOLD) {
            byte[] out = new byte[16];
            Arrays.fill(out, (byte) 0x55); // padding must be overwritten with zeros
            LongDouble.parse(row[0], out);
            assertThat(hex(out)).as(row[0]).isEqualTo("000000000000" + row[1] + row[2]);
        }
    }

    @Test
    void glibcValuesRoundTripThroughFormat() {
        for (String[] row : GLIBC_STRTOLD) {
            byte[] bits = bytes(row[1], row[2]);
            String text = LongDouble.format(bits);
            byte[] back = new byte[16];
            LongDouble.parse(text, back);
            assertThat(back).as(row[0] + " -> " + text).isEqualTo(bits);
        }
    }

    @Test
    void formats() {
        assertThat(format("0.1")).isEqualTo("0.1");
        assertThat(format("1")).isEqualTo("1");
        assertThat(format("-2.5e-10")).isEqualTo("-2.5e-10");
        assertThat(format("3.14159265358979323846264338327950288")).isEqualTo("3.1415926535897932385");
        assertThat(format("1.18973149535723176502e+4932")).isEqualTo("1.189731495357231765e+4932");
        assertThat(format("3.6e-4951")).isEqualTo("4e-4951");
        assertThat(format("1e20")).isEqualTo("100000000000000000000");
        assertThat(format("1e21")).isEqualTo("1e+21");
        assertThat(format("36893488147419103232")).isEqualTo("36893488147419103232"); // 2^65, X = 19
        assertThat(format("0.0001")).isEqualTo("0.0001");
        assertThat(format("0.00001")).isEqualTo("1e-05");
        assertThat(format("-0")).isEqualTo("-0");
        assertThat(format("0")).isEqualTo("0");
        assertThat(format("inf")).isEqualTo("inf");
        assertThat(format("-inf")).isEqualTo("-inf");
        assertThat(format("nan")).isEqualTo("nan");
        assertThat(format("0.3")).isEqualTo("0.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.18973149535723176508e+4932", "-1.2e4932", "1e4933", "1e5000", "1e99999999999999"})
    void rejectsOverflow(String text) {
        // glibc returns +-inf (ERANGE) for these; we refuse them instead.
        assertThatThrownBy(() -> LongDouble.parse(text, new byte[16]))
            .isInstanceOf(NumberFormatException.class).hasMessageContaining("out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1", "1 ", "0x10", "1.5f", "1.5L", "abc", "--1", "1e", ".", "-nan", "1e+"})
    void rejectsBadSyntax(String text) {
        assertThatThrownBy(() -> LongDouble.parse(text, new byte[16])).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void underflowsToSignedZero() {
        byte[] out = new byte[16];
        LongDouble.parse("-1e-99999999999", out);
        assertThat(hex(out)).isEqualTo("00000000000080000000000000000000");
    }

    @Test
    void formatsNonCanonicalEncodingsByValue() {
        // Pseudo-denormal: exponent 0 with the integer bit set means 2^-16382, the smallest normal.
        assertThat(LongDouble.format(bytes("0000", "8000000000000000"))).isEqualTo(format("3.3621031431120935063e-4932"));
        // Unnormal: exponent 0x3fff without the integer bit is 0.5, not 1.
        assertThat(LongDouble.format(bytes("3fff", "4000000000000000"))).isEqualTo("0.5");
        assertThat(LongDouble.toDouble(bytes("3fff", "4000000000000000"))).isEqualTo(0.5);
        // -3 * 2^-63 whichever way it is encoded.
        assertThat(LongDouble.format(bytes("bfff", "0000000000000003"))).isEqualTo(
            LongDouble.format(bytes("bfc1", "c000000000000000")));
        // Unnormal so small it can only be represented as a subnormal.
        assertThat(LongDouble.format(bytes("0005", "0000000000000001"))).isEqualTo(
            LongDouble.format(bytes("0000", "0000000000000010")));
        assertThat(LongDouble.format(bytes("1234", "0000000000000000"))).isEqualTo("0");
        // Pseudo-infinity, pseudo-NaN and real NaNs all print as nan.
        assertThat(LongDouble.format(bytes("7fff", "0000000000000000"))).isEqualTo("nan");
        assertThat(LongDouble.format(bytes("7fff", "4000000000000000"))).isEqualTo("nan");
        assertThat(LongDouble.format(bytes("ffff", "c000000000000001"))).isEqualTo("nan");
    }

    @Test
    void readsAndWritesMemorySegments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            seg.fill((byte) 0x77);
            LongDouble.parse("0.1", seg, 5);
            assertThat(LongDouble.format(seg, 5)).isEqualTo("0.1");
            assertThat(LongDouble.toDouble(seg, 5)).isEqualTo(0.1);
            assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4)).isEqualTo((byte) 0x77);
            assertThat(seg.asSlice(15, 6).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsOnly(0);
            assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 21)).isEqualTo((byte) 0x77);
        }
    }

    @Test
    void toDoubleRoundsCorrectly() {
        assertThat(LongDouble.toDouble(parse("0.1"))).isEqualTo(0.1);
        assertThat(LongDouble.toDouble(parse("1e4000"))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(LongDouble.toDouble(parse("-1e-4000"))).isEqualTo(-0.0);
        assertThat(LongDouble.toDouble(parse("1e-4951"))).isEqualTo(0.0);
        assertThat(LongDouble.toDouble(parse("nan"))).isNaN();
        assertThat(LongDouble.toDouble(parse("-inf"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(LongDouble.toDouble(parse("2.4703282292062328e-324"))).isEqualTo(Double.MIN_VALUE);
        assertThat(LongDouble.toDouble(parse("2.4703282292062327e-324"))).isEqualTo(0.0);
        // Exactly half of MIN_VALUE is a tie: to even, i.e. zero.
        assertThat(LongDouble.toDouble(parse(new BigDecimal(Double.MIN_VALUE).divide(BigDecimal.TWO).toString()))).isEqualTo(0.0);
        assertThat(LongDouble.toDouble(parse("1.7976931348623158e308"))).isEqualTo(Double.MAX_VALUE);
        // Halfway between MAX_VALUE and 2^1024 (exact in 80 bits) rounds to even: infinity.
        BigDecimal overflowTie = new BigDecimal(Double.MAX_VALUE).add(new BigDecimal(0x1p970));
        assertThat(LongDouble.toDouble(parse(overflowTie.toString()))).isEqualTo(Double.POSITIVE_INFINITY);
        BigDecimal belowTie = overflowTie.subtract(new BigDecimal(0x1p960)); // one 80-bit ulp less
        assertThat(LongDouble.toDouble(parse(belowTie.toString()))).isEqualTo(Double.MAX_VALUE);
    }

    /** Every canonical 80-bit value: format reads back to the same bytes, and is the shortest. */
    @Property(tries = 1500)
    void randomValuesRoundTripShortest(@ForAll("canonical") byte[] bits) {
        String text = LongDouble.format(bits);
        assertThat(parse(text)).as(text).isEqualTo(bits);
        BigDecimal given = new BigDecimal(text);
        int digits = given.stripTrailingZeros().precision();
        if (digits > 1 && given.signum() != 0) {
            BigDecimal exact = exact(bits);
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                String shorter = exact.round(new MathContext(digits - 1, mode)).toString();
                try {
                    assertThat(parse(shorter)).as("%s shorter than %s", shorter, text).isNotEqualTo(bits);
                } catch (NumberFormatException overflow) {
                    // rounding the largest values up can overflow: then it certainly is not us
                }
            }
        }
    }

    /** Doubles embed exactly, come back exactly, and their 80-bit form round-trips through text. */
    @Property(tries = 2000)
    void doublesEmbedExactly(@ForAll("anyFiniteDouble") double d) {
        byte[] bits = parse((Double.doubleToRawLongBits(d) < 0 ? "-" : "") + new BigDecimal(d).abs());
        assertThat(Double.doubleToRawLongBits(LongDouble.toDouble(bits))).isEqualTo(Double.doubleToRawLongBits(d));
        assertThat(parse(LongDouble.format(bits))).isEqualTo(bits);
    }

    /** toDouble is the correctly rounded double of the exact 80-bit value. */
    @Property(tries = 1500)
    void toDoubleMatchesExactRounding(@ForAll("doubleRange") byte[] bits) {
        double expected = Double.parseDouble(exact(bits).toString());
        assertThat(Double.doubleToRawLongBits(LongDouble.toDouble(bits)))
            .isEqualTo(Double.doubleToRawLongBits(expected));
    }

    @Provide
    Arbitrary<byte[]> canonical() {
        Arbitrary<byte[]> normal = Combinators.combine(
                Arbitraries.longs(), Arbitraries.integers().between(1, 0x7ffe), Arbitraries.of(0, 0x8000))
            .as((sig, exp, sign) -> bytes(sign | exp, sig | Long.MIN_VALUE));
        Arbitrary<byte[]> nearOne = Combinators.combine(
                Arbitraries.longs(), Arbitraries.integers().between(0x3fff - 80, 0x3fff + 80))
            .as((sig, exp) -> bytes(exp, sig | Long.MIN_VALUE));
        Arbitrary<byte[]> subnormal = Arbitraries.longs().between(1, Long.MAX_VALUE).map(sig -> bytes(0, sig));
        Arbitrary<byte[]> powerOfTwo = Arbitraries.integers().between(1, 0x7ffe).map(exp -> bytes(exp, Long.MIN_VALUE));
        Arbitrary<byte[]> edges = Arbitraries.of(
            bytes(0x7ffe, -1L), bytes(0, 1L), bytes(1, Long.MIN_VALUE), bytes(0, Long.MAX_VALUE), bytes(0x3fff, -1L));
        return Arbitraries.oneOf(normal, nearOne, subnormal, powerOfTwo, edges);
    }

    @Provide
    Arbitrary<byte[]> doubleRange() {
        return Combinators.combine(
                Arbitraries.longs(), Arbitraries.integers().between(0x3fff - 1100, 0x3fff + 1030), Arbitraries.of(0, 0x8000))
            .as((sig, exp, sign) -> bytes(sign | exp, sig | Long.MIN_VALUE));
    }

    @Provide
    Arbitrary<Double> anyFiniteDouble() {
        return Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] parse(String text) {
        byte[] out = new byte[16];
        LongDouble.parse(text, out);
        return out;
    }

    private static String format(String text) {
        return LongDouble.format(parse(text));
    }

    private static byte[] bytes(String seHex, String sigHex) {
        return bytes(Integer.parseInt(seHex, 16), Long.parseUnsignedLong(sigHex, 16));
    }

    private static byte[] bytes(int se, long sig) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sig).putShort(8, (short) se).array();
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 15; i >= 0; i--) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.toString();
    }

    /** The exact value of canonical, finite bits, computed independently of LongDouble. */
    private static BigDecimal exact(byte[] bits) {
        ByteBuffer buf = ByteBuffer.wrap(bits).order(ByteOrder.LITTLE_ENDIAN);
        BigInteger sig = new BigInteger(Long.toUnsignedString(buf.getLong(0)));
        int se = buf.getShort(8) & 0xffff;
        int e = Math.max(se & 0x7fff, 1) - 16383 - 63;
        BigDecimal v = e >= 0
            ? new BigDecimal(sig.shiftLeft(e))
            : new BigDecimal(sig.multiply(BigInteger.valueOf(5).pow(-e)), -e); // 2^-k = 5^k / 10^k
        return (se & 0x8000) != 0 ? v.negate() : v;
    }
}

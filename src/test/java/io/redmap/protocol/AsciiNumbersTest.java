package io.redmap.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AsciiNumbers#parseLong}: Redis's {@code string2ll} rules at every length, up to the limits
 * of a long and one past them, and on random text against the JDK's parser.
 */
class AsciiNumbersTest {

    private static long parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return AsciiNumbers.parseLong(bytes, 0, bytes.length);
    }

    @Test
    void acceptsIntegersAtEveryLengthAndTheLimits() {
        long power = 1; // 10^(digits - 1)
        for (int digits = 1; digits <= 19; digits++) {
            long nines = digits < 19 ? power * 10 - 1 : Long.MAX_VALUE;
            for (long v : new long[] {power, nines, -power, -nines}) {
                assertThat(parse(Long.toString(v))).isEqualTo(v);
            }
            if (digits < 19) {
                power *= 10;
            }
        }
        assertThat(parse("0")).isZero();
        assertThat(parse("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
        assertThat(parse("-999999999999999999")).isEqualTo(-999_999_999_999_999_999L);
        assertThat(parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void refusesWhatString2llRefuses() {
        for (String bad : new String[] {"", "-", "-0", "00", "01", "+1", " 1", "1 ", "1.5", "1e3", "12a", "a12",
                "1-", "--1", "9223372036854775808", "-9223372036854775809", "99999999999999999999",
                "123456789012345678x", "1234567890123456789x", "/", ":", "12/4", "12:4"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
    }

    @Test
    void agreesWithLongParseLongOnRandomText() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] alphabet = "0123456789-+ ./:".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 200_000; n++) {
            byte[] text = new byte[1 + random.nextInt(21)];
            for (int i = 0; i < text.length; i++) {
                text[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('0' + random.nextInt(10));
            }
            String s = new String(text, StandardCharsets.US_ASCII);
            Long expected = reference(s);
            if (expected == null) {
                assertThatThrownBy(() -> AsciiNumbers.parseLong(text, 0, text.length)).as(s)
                        .isInstanceOf(NumberFormatException.class);
            } else {
                assertThat(AsciiNumbers.parseLong(text, 0, text.length)).as(s).isEqualTo(expected);
            }
        }
    }

    /** string2ll by way of the JDK: Long.parseLong, less a '+', leading zeros and "-0". */
    private static Long reference(String s) {
        if (s.startsWith("+") || s.equals("-0") || s.length() > 1 && s.startsWith("0") || s.startsWith("-0")) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package io.redmap.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Integers to and from ASCII digits, without going through {@code String}. */
public final class AsciiNumbers {
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    /** Thrown on the error path only; a shared instance with no stack trace keeps it cheap. */
    private static final NumberFormatException NOT_AN_INTEGER = new NumberFormatException("not an integer") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private AsciiNumbers() {
    }

    /** Writes the decimal digits of {@code value} into {@code out}. */
    public static void writeLong(ByteBuf out, long value) {
        if (value == Long.MIN_VALUE) {
            out.writeBytes(LONG_MIN);
            return;
        }
        if (value < 0) {
            out.writeByte('-');
            value = -value;
        }
        int digits = digitCount(value);
        out.ensureWritable(digits);
        int end = out.writerIndex() + digits;
        int at = end;
        do {
            out.setByte(--at, (int) ('0' + value % 10));
            value /= 10;
        } while (value != 0);
        out.writerIndex(end);
    }

    static int digitCount(long nonNegative) {
        long bound = 10;
        for (int digits = 1; digits < 19; digits++) {
            if (nonNegative < bound) {
                return digits;
            }
            bound *= 10;
        }
        return 19;
    }

    /**
     * Parses a signed 64-bit decimal with Redis's {@code string2ll} rules: no sign but '-', no
     * spaces, no leading zeros, no "-0", nothing after the digits, no overflow.
     *
     * @throws NumberFormatException when the text breaks any of those rules
     */
    public static long parseLong(byte[] text) {
        return parseLong(text, 0, text.length);
    }

    /** {@link #parseLong(byte[])} of {@code text[from, to)}, read in place. */
    public static long parseLong(byte[] text, int from, int to) {
        int length = to - from;
        if (length == 1 && text[from] == '0') {
            return 0;
        }
        if (length <= 0 || length > 20) {
            throw NOT_AN_INTEGER;
        }
        boolean negative = text[from] == '-';
        int i = negative ? from + 1 : from;
        if (i == to || text[i] < '1' || text[i] > '9') {
            throw NOT_AN_INTEGER;
        }
        // Accumulate as a negative number: its range includes Long.MIN_VALUE.
        long result = 0;
        for (; i < to; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9 || result < Long.MIN_VALUE / 10) {
                throw NOT_AN_INTEGER;
            }
            result *= 10;
            if (result < Long.MIN_VALUE + digit) {
                throw NOT_AN_INTEGER;
            }
            result -= digit;
        }
        if (negative) {
            return result;
        }
        if (result == Long.MIN_VALUE) {
            throw NOT_AN_INTEGER;
        }
        return -result;
    }

    /** Like {@link #parseLong} but returns {@code fallback} instead of throwing. */
    public static long parseLong(byte[] text, long fallback) {
        try {
            return parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Parses an unsigned 64-bit decimal (0 .. 18446744073709551615) with the same strictness;
     * the result is the two's-complement bit pattern.
     */
    public static long parseUnsignedLong(byte[] text) {
        int length = text.length;
        if (length == 1 && text[0] == '0') {
            return 0;
        }
        if (length == 0 || length > 20 || text[0] < '1' || text[0] > '9') {
            throw NOT_AN_INTEGER;
        }
        long result = 0;
        for (int i = 0; i < length; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) {
                throw NOT_AN_INTEGER;
            }
            if (Long.compareUnsigned(result, Long.divideUnsigned(-1L, 10)) > 0) {
                throw NOT_AN_INTEGER;
            }
            long next = result * 10 + digit;
            if (Long.compareUnsigned(next, result * 10) < 0) {
                throw NOT_AN_INTEGER;
            }
            result = next;
        }
        return result;
    }
}

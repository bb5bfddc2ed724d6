package io.redmap.type;

/**
 * The binary floating-point formats of the element types (double, float, float16, bfloat16):
 * how each turns text into its bits and back, and its bits into a double and back. The codec
 * around them ({@link FloatingCodec}) is the same for all; adding a format is one entry here.
 * Bits are held in a long, the format's bit pattern in its low {@link #bytes} bytes.
 */
enum FloatFormat {
    DOUBLE(8, "double") {
        @Override
        long parse(String text) {
            return Double.doubleToRawLongBits(FloatText.parseDouble(text));
        }

        @Override
        String format(long bits) {
            return FloatText.formatDouble(Double.longBitsToDouble(bits));
        }

        @Override
        int write(long bits, byte[] target) {
            return FloatText.writeDouble(Double.longBitsToDouble(bits), target, 0);
        }

        @Override
        double toDouble(long bits) {
            return Double.longBitsToDouble(bits);
        }

        @Override
        long fromDouble(double value) {
            return Double.doubleToRawLongBits(value);
        }
    },
    FLOAT(4, "float") {
        @Override
        long parse(String text) {
            return Float.floatToRawIntBits(FloatText.parseFloat(text));
        }

        @Override
        String format(long bits) {
            return FloatText.formatFloat(Float.intBitsToFloat((int) bits));
        }

        @Override
        int write(long bits, byte[] target) {
            return FloatText.writeFloat(Float.intBitsToFloat((int) bits), target, 0);
        }

        @Override
        double toDouble(long bits) {
            return Float.intBitsToFloat((int) bits);
        }

        @Override
        long fromDouble(double value) {
            return Float.floatToRawIntBits((float) value);
        }
    },
    FLOAT16(2, "float16") {
        @Override
        long parse(String text) {
            return HalfFloat.parse(text);
        }

        @Override
        String format(long bits) {
            return HalfFloat.format((short) bits);
        }

        @Override
        double toDouble(long bits) {
            return HalfFloat.toDouble((short) bits);
        }

        @Override
        long fromDouble(double value) {
            // Through the decimal parser: correctly rounded from the double's exact value.
            return HalfFloat.parse(Double.toString(value));
        }
    },
    BFLOAT16(2, "bfloat16") {
        @Override
        long parse(String text) {
            return BFloat16.parse(text);
        }

        @Override
        String format(long bits) {
            return BFloat16.format((short) bits);
        }

        @Override
        double toDouble(long bits) {
            return BFloat16.toDouble((short) bits);
        }

        @Override
        long fromDouble(double value) {
            return BFloat16.parse(Double.toString(value));
        }
    };

    final int bytes;
    /** The name in {@code ERR value must be <name>}. */
    final String errorName;

    FloatFormat(int bytes, String errorName) {
        this.bytes = bytes;
        this.errorName = errorName;
    }

    /** @throws NumberFormatException for text that is not a value of the format (or out of its range) */
    abstract long parse(String text);

    abstract String format(long bits);

    /**
     * Writes {@link #format}'s text as ASCII at the start of {@code target} (at least
     * {@link FloatText#MAX_LENGTH} bytes) and returns its length. The formats replies are made of
     * most (double, float) write straight into it; the others go through their text.
     */
    int write(long bits, byte[] target) {
        String text = format(bits);
        for (int i = 0; i < text.length(); i++) {
            target[i] = (byte) text.charAt(i);
        }
        return text.length();
    }

    abstract double toDouble(long bits);

    /**
     * The nearest value of the format; infinite when the value is beyond its range.
     *
     * @throws NumberFormatException when the format's parser refuses the value as out of range
     */
    abstract long fromDouble(double value);
}

package io.redmap.type;

import java.lang.foreign.MemorySegment;

/**
 * Sums, minima and maxima over values in a mapped segment, computed the way numpy computes
 * them, so that VAGG and {@code numpy.sum} agree to the last bit:
 * <ul>
 *   <li>floating types: numpy's pairwise summation (blocks of 128, eight accumulators), in
 *   float32 arithmetic for float32 values, float64 otherwise;</li>
 *   <li>integer types: exact 64-bit sums, wrapping modulo 2^64 like numpy's int64/uint64;</li>
 *   <li>min and max: NaN wins, as with {@code numpy.min}.</li>
 * </ul>
 * Values are {@code count} consecutive elements of {@code codec.size()} bytes from {@code offset}.
 */
public final class Aggregates {
    private static final int BLOCK = 128;

    private Aggregates() {
    }

    /** Wrapping sum of integer values (uint64: the unsigned sum's bits). */
    public static long sumLong(NumericCodec codec, MemorySegment segment, long offset, long count) {
        long sum = 0;
        int size = codec.size();
        for (long i = 0; i < count; i++) {
            sum += codec.readLong(segment, offset + i * size);
        }
        return sum;
    }

    /** numpy's pairwise sum of floating values (float32 values in float32 arithmetic). */
    public static double sumDouble(NumericCodec codec, MemorySegment segment, long offset, long count) {
        if (codec instanceof DoubleCodec) {
            return pairwiseDouble(segment, offset, count);
        }
        if (codec instanceof FloatCodec) {
            return pairwiseFloat(segment, offset, count);
        }
        return pairwiseGeneric(codec, segment, offset, count);
    }

    /** The mean as numpy computes it: the pairwise sum (float64 for integers) divided by the count. */
    public static double mean(NumericCodec codec, MemorySegment segment, long offset, long count) {
        double sum = codec.isInteger() ? pairwiseGeneric(codec, segment, offset, count) : sumDouble(codec, segment, offset, count);
        if (codec.type() == ElementType.FLOAT) {
            return (float) ((float) sum / (float) count);
        }
        return sum / count;
    }

    private static double pairwiseDouble(MemorySegment s, long offset, long n) {
        if (n < 8) {
            double sum = 0.0;
            for (long i = 0; i < n; i++) {
                sum += s.get(Layouts.DOUBLE, offset + i * 8);
            }
            return sum;
        }
        if (n <= BLOCK) {
            double r0 = s.get(Layouts.DOUBLE, offset);
            double r1 = s.get(Layouts.DOUBLE, offset + 8);
            double r2 = s.get(Layouts.DOUBLE, offset + 16);
            double r3 = s.get(Layouts.DOUBLE, offset + 24);
            double r4 = s.get(Layouts.DOUBLE, offset + 32);
            double r5 = s.get(Layouts.DOUBLE, offset + 40);
            double r6 = s.get(Layouts.DOUBLE, offset + 48);
            double r7 = s.get(Layouts.DOUBLE, offset + 56);
            long i = 8;
            for (; i < n - (n % 8); i += 8) {
                long at = offset + i * 8;
                r0 += s.get(Layouts.DOUBLE, at);
                r1 += s.get(Layouts.DOUBLE, at + 8);
                r2 += s.get(Layouts.DOUBLE, at + 16);
                r3 += s.get(Layouts.DOUBLE, at + 24);
                r4 += s.get(Layouts.DOUBLE, at + 32);
                r5 += s.get(Layouts.DOUBLE, at + 40);
                r6 += s.get(Layouts.DOUBLE, at + 48);
                r7 += s.get(Layouts.DOUBLE, at + 56);
            }
            double sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                sum += s.get(Layouts.DOUBLE, offset + i * 8);
            }
            return sum;
        }
        long half = n / 2;
        half -= half % 8;
        return pairwiseDouble(s, offset, half) + pairwiseDouble(s, offset + half * 8, n - half);
    }

    private static float pairwiseFloat(MemorySegment s, long offset, long n) {
        if (n < 8) {
            float sum = 0.0f;
            for (long i = 0; i < n; i++) {
                sum += s.get(Layouts.FLOAT, offset + i * 4);
            }
            return sum;
        }
        if (n <= BLOCK) {
            float[] r = new float[8];
            for (int j = 0; j < 8; j++) {
                r[j] = s.get(Layouts.FLOAT, offset + j * 4L);
            }
            long i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += s.get(Layouts.FLOAT, offset + (i + j) * 4);
                }
            }
            float sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                sum += s.get(Layouts.FLOAT, offset + i * 4);
            }
            return sum;
        }
        long half = n / 2;
        half -= half % 8;
        return pairwiseFloat(s, offset, half) + pairwiseFloat(s, offset + half * 4, n - half);
    }

    private static double pairwiseGeneric(NumericCodec codec, MemorySegment s, long offset, long n) {
        int size = codec.size();
        if (n < 8) {
            double sum = 0.0;
            for (long i = 0; i < n; i++) {
                sum += codec.readDouble(s, offset + i * size);
            }
            return sum;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = codec.readDouble(s, offset + (long) j * size);
            }
            long i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += codec.readDouble(s, offset + (i + j) * size);
                }
            }
            double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                sum += codec.readDouble(s, offset + i * size);
            }
            return sum;
        }
        long half = n / 2;
        half -= half % 8;
        return pairwiseGeneric(codec, s, offset, half) + pairwiseGeneric(codec, s, offset + half * size, n - half);
    }

    /**
     * The offset of the smallest (or largest) value; NaN wins as in numpy. {@code count} must be
     * at least 1. Integer types compare as integers (uint64 unsigned).
     */
    public static long extremeOffset(NumericCodec codec, MemorySegment s, long offset, long count, boolean max) {
        int size = codec.size();
        long best = offset;
        if (codec.isInteger()) {
            boolean unsigned = codec.type() == ElementType.UINT64;
            long bestValue = codec.readLong(s, offset);
            for (long i = 1; i < count; i++) {
                long at = offset + i * size;
                long value = codec.readLong(s, at);
                int order = unsigned ? Long.compareUnsigned(value, bestValue) : Long.compare(value, bestValue);
                if (max ? order > 0 : order < 0) {
                    bestValue = value;
                    best = at;
                }
            }
            return best;
        }
        double bestValue = codec.readDouble(s, offset);
        if (Double.isNaN(bestValue)) {
            return best;
        }
        for (long i = 1; i < count; i++) {
            long at = offset + i * size;
            double value = codec.readDouble(s, at);
            if (Double.isNaN(value)) {
                return at;
            }
            if (max ? value > bestValue : value < bestValue) {
                bestValue = value;
                best = at;
            }
        }
        return best;
    }
}

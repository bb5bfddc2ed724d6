package io.redmap.type;

import io.redmap.SplitWork;

import java.lang.foreign.MemorySegment;

/**
 * Sums, means, minima and maxima over values in a mapped segment, computed the way numpy
 * computes them, so that VAGG and {@code numpy.sum} / {@code numpy.mean} agree to the last bit:
 * <ul>
 *   <li>numpy reduces in buffers of 8192 elements, adding each buffer's pairwise sum (blocks of
 *   128, eight accumulators) to a running total in the array's own type: float64 in float64,
 *   float32 in float32, float16 (and bfloat16) in float32 inside a buffer and rounded back to
 *   16 bits between buffers. That is numpy up to 2.2, Debian's python3-numpy among them; numpy
 *   2.3 sums a contiguous array in one piece, which differs in the last bits beyond 8192
 *   elements.</li>
 *   <li>means: the sum divided by the count, in float64 for float64 values, in float32 for
 *   float32 and float16 values (numpy's mean of float16 accumulates in float32 and rounds the
 *   quotient to float16).</li>
 *   <li>integer sums: exact, never wrapping (numpy's int64 and uint64 sums wrap modulo 2^64);
 *   integer means: the exact sum divided by the count, correctly rounded to a double. numpy
 *   sums integers in float64 for a mean; both agree whenever that float64 sum is exact (sums
 *   below 2^53).</li>
 *   <li>min and max: NaN wins, as with {@code numpy.min}.</li>
 * </ul>
 * Values are {@code count} consecutive elements of {@code codec.size()} bytes from {@code offset}.
 */
public final class Aggregates {
    private static final int BLOCK = 128;
    /**
     * Whether little-endian doubles and floats are summed with {@link VectorSums}: the launcher
     * adds the incubator module ({@code --add-modules jdk.incubator.vector}); without it (another
     * launcher, an embedding application) the plain loops below give the same bits, slower.
     */
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && VectorSums.wideEnough();
    /** Values of at most 32 bits (|v| <= 2^32) whose sum fits a long: 2^31 of them. */
    private static final long NARROW_CHUNK = 1L << 31;

    private Aggregates() {
    }

    /** How a type's values are accumulated. */
    private enum Precision { DOUBLE, FLOAT, HALF, BFLOAT }

    private static Precision precisionOf(NumericCodec codec) {
        return switch (codec.type()) {
            case FLOAT -> Precision.FLOAT;
            case FLOAT16 -> Precision.HALF;
            case BFLOAT16 -> Precision.BFLOAT;
            default -> Precision.DOUBLE;
        };
    }

    /**
     * The exact sum of integer values. Values of up to 32 bits are added in a long, which cannot
     * overflow within a chunk of 2^31 of them, and each chunk's sum is added to the 128-bit
     * total; 64-bit values go to the 128-bit total one by one (an add and an unsigned compare).
     */
    public static IntegerSum sumExact(NumericCodec codec, MemorySegment segment, long offset, long count) {
        IntegerSum[] sums = new IntegerSum[chunksFor(count)];
        SplitWork.run(count, sums.length, (chunk, from, to) ->
                sums[chunk] = sumExactPart(codec, segment, offset + from * codec.size(), to - from));
        IntegerSum total = IntegerSum.ZERO;
        for (IntegerSum sum : sums) { // exact: any grouping gives the same sum
            total = sum == null ? total : total.plus(sum);
        }
        return total;
    }

    /** Large ranges are split between threads (see {@link BufferSums#SPLIT_MIN_VALUES}). */
    private static int chunksFor(long count) {
        return SplitWork.chunks(count, count >= BufferSums.SPLIT_MIN_VALUES);
    }

    private static IntegerSum sumExactPart(NumericCodec codec, MemorySegment segment, long offset, long count) {
        int size = codec.size();
        IntegerSum total = IntegerSum.ZERO;
        if (size < 8) {
            for (long start = 0; start < count; start += NARROW_CHUNK) {
                long n = Math.min(NARROW_CHUNK, count - start);
                long at = offset + start * size;
                long sum = 0;
                for (long i = 0; i < n; i++) {
                    sum += codec.readLong(segment, at + i * size);
                }
                total = total.plus(sum);
            }
            return total;
        }
        boolean unsigned = codec.type() == ElementType.UINT64;
        long high = 0;
        long low = 0;
        for (long i = 0; i < count; i++) {
            long value = codec.readLong(segment, offset + i * size);
            long sum = low + value;
            high += (unsigned ? 0 : value >> 63) + IntegerSum.carry(low, sum);
            low = sum;
        }
        return new IntegerSum(high, low);
    }

    /**
     * numpy's sum of floating values, in the values' own precision (a float32 or float16 result
     * is returned widened, exactly).
     */
    public static double sumFloating(NumericCodec codec, MemorySegment segment, long offset, long count) {
        return switch (precisionOf(codec)) {
            case DOUBLE -> bufferedDouble(codec, segment, offset, count);
            case FLOAT -> bufferedFloat(codec, segment, offset, count);
            case HALF, BFLOAT -> bufferedNarrow(codec, segment, offset, count, precisionOf(codec));
        };
    }

    /** numpy's mean, in the precision numpy gives it (see the class comment). */
    public static double mean(NumericCodec codec, MemorySegment segment, long offset, long count) {
        if (codec.isInteger()) {
            return sumExact(codec, segment, offset, count).mean(count);
        }
        return switch (precisionOf(codec)) {
            case DOUBLE -> bufferedDouble(codec, segment, offset, count) / count;
            case FLOAT -> bufferedFloat(codec, segment, offset, count) / (float) count;
            case HALF -> Float.float16ToFloat(Float.floatToFloat16(bufferedFloat(codec, segment, offset, count) / (float) count));
            case BFLOAT -> roundToBFloat(bufferedFloat(codec, segment, offset, count) / (float) count);
        };
    }

    private static double bufferedDouble(NumericCodec codec, MemorySegment s, long offset, long count) {
        boolean littleEndian = codec instanceof FloatingCodec && codec.type() == ElementType.DOUBLE;
        BufferSums sums = new BufferSums(offset, count, codec.size(),
                littleEndian && VECTOR ? (at, n) -> VectorSums.pairwiseDouble(s, at, n)
                : littleEndian ? (at, n) -> pairwiseDouble(s, at, n)
                : (at, n) -> pairwiseGeneric(codec, s, at, n));
        double total = 0.0;
        while (sums.hasNext()) {
            total += sums.next();
        }
        return total;
    }

    /** float32 accumulation (float32 values, and the float32 intermediates of float16 means). */
    private static float bufferedFloat(NumericCodec codec, MemorySegment s, long offset, long count) {
        BufferSums sums = floatSums(codec, s, offset, count);
        float total = 0.0f;
        while (sums.hasNext()) {
            total += (float) sums.next();
        }
        return total;
    }

    /** float16 / bfloat16: float32 inside a buffer, rounded to 16 bits between buffers. */
    private static double bufferedNarrow(NumericCodec codec, MemorySegment s, long offset, long count, Precision precision) {
        BufferSums sums = floatSums(codec, s, offset, count);
        float total = 0.0f;
        while (sums.hasNext()) {
            float sum = total + (float) sums.next();
            total = precision == Precision.HALF ? Float.float16ToFloat(Float.floatToFloat16(sum)) : roundToBFloat(sum);
        }
        return total;
    }

    private static BufferSums floatSums(NumericCodec codec, MemorySegment s, long offset, long count) {
        boolean littleEndian = codec instanceof FloatingCodec && codec.type() == ElementType.FLOAT;
        return new BufferSums(offset, count, codec.size(), littleEndian && VECTOR
                ? (at, n) -> VectorSums.pairwiseFloat(s, at, n)
                : (at, n) -> pairwiseFloat(codec, s, at, n));
    }

    /** Rounds a float to the nearest bfloat16 (ties to even), NaN kept. */
    static float roundToBFloat(float value) {
        if (Float.isNaN(value)) {
            return value;
        }
        int bits = Float.floatToRawIntBits(value);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    static double pairwiseDouble(MemorySegment s, long offset, long n) {
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

    /** Pairwise sum in float32 of values read as floats (exact for float32, float16 and bfloat16). */
    static float pairwiseFloat(NumericCodec codec, MemorySegment s, long offset, long n) {
        int size = codec.size();
        if (n < 8) {
            float sum = 0.0f;
            for (long i = 0; i < n; i++) {
                sum += (float) codec.readDouble(s, offset + i * size);
            }
            return sum;
        }
        if (n <= BLOCK) {
            float[] r = new float[8];
            for (int j = 0; j < 8; j++) {
                r[j] = (float) codec.readDouble(s, offset + (long) j * size);
            }
            long i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += (float) codec.readDouble(s, offset + (i + j) * size);
                }
            }
            float sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                sum += (float) codec.readDouble(s, offset + i * size);
            }
            return sum;
        }
        long half = n / 2;
        half -= half % 8;
        return pairwiseFloat(codec, s, offset, half) + pairwiseFloat(codec, s, offset + half * size, n - half);
    }

    /** Pairwise sum in float64 of values read as doubles (integers for a mean, long double, big-endian). */
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
        long[] bests = new long[chunksFor(count)];
        SplitWork.run(count, bests.length, (chunk, from, to) ->
                bests[chunk] = extremeOffsetPart(codec, s, offset + from * size, to - from, max));
        // Chunks in order, as one pass would meet them: the first NaN wins, else the first of the
        // best values (a later chunk's replaces it only when strictly better).
        long best = bests[0];
        for (int chunk = 1; chunk < bests.length && !isNaN(codec, s, best); chunk++) {
            long candidate = bests[chunk];
            if (isNaN(codec, s, candidate) || better(codec, s, candidate, best, max)) {
                best = candidate;
            }
        }
        return best;
    }

    private static boolean isNaN(NumericCodec codec, MemorySegment s, long at) {
        return !codec.isInteger() && Double.isNaN(codec.readDouble(s, at));
    }

    private static boolean better(NumericCodec codec, MemorySegment s, long candidate, long best, boolean max) {
        if (codec.isInteger()) {
            long value = codec.readLong(s, candidate);
            long bestValue = codec.readLong(s, best);
            int order = codec.type() == ElementType.UINT64 ? Long.compareUnsigned(value, bestValue) : Long.compare(value, bestValue);
            return max ? order > 0 : order < 0;
        }
        double value = codec.readDouble(s, candidate);
        double bestValue = codec.readDouble(s, best);
        return max ? value > bestValue : value < bestValue;
    }

    private static long extremeOffsetPart(NumericCodec codec, MemorySegment s, long offset, long count, boolean max) {
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

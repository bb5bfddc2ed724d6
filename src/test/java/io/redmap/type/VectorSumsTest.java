package io.redmap.type;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Vector API sums and the plain loops are the same numpy pairwise sum, bit for bit, at every
 * size around the blocks of 8 and 128 and the buffers of 8192, at unaligned offsets, and with
 * NaN, infinities and -0.0 among the values (the plain loops are what serves without the module).
 * Unaligned offsets read bytes as NaNs of any payload: a NaN is compared as NaN, whose payload
 * the hardware picks (the reply is {@code nan} either way).
 */
class VectorSumsTest {
    private static final NumericCodec FLOATS = (NumericCodec) ElementType.FLOAT.codec(4);

    @Test
    void theModuleIsThere() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).as("the tests run with the Vector API").isPresent();
    }

    @Test
    void doublesSumToTheSameBitsAsThePlainLoop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(8 * 20_000 + 8);
            Random random = new Random(1);
            for (long i = 0; i < s.byteSize() / 8; i++) {
                s.set(Layouts.DOUBLE, i * 8, random.nextGaussian() * Math.pow(10, random.nextInt(-8, 9)));
            }
            for (long n = 0; n <= 20_000; n += n < 300 ? 1 : 977) {
                for (long offset : new long[] {0, 3, 8}) {
                    assertThat(Double.doubleToLongBits(VectorSums.pairwiseDouble(s, offset, n)))
                            .as("n=%d offset=%d", n, offset)
                            .isEqualTo(Double.doubleToLongBits(Aggregates.pairwiseDouble(s, offset, n)));
                }
            }
            for (double special : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0}) {
                s.set(Layouts.DOUBLE, 8 * 77, special);
                assertThat(Double.doubleToLongBits(VectorSums.pairwiseDouble(s, 0, 8192))).as("with %s", special)
                        .isEqualTo(Double.doubleToLongBits(Aggregates.pairwiseDouble(s, 0, 8192)));
            }
        }
    }

    @Test
    void floatsSumToTheSameBitsAsThePlainLoop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(4 * 20_000 + 4);
            Random random = new Random(2);
            for (long i = 0; i < s.byteSize() / 4; i++) {
                s.set(Layouts.FLOAT, i * 4, (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-4, 5))));
            }
            for (long n = 0; n <= 20_000; n += n < 300 ? 1 : 977) {
                for (long offset : new long[] {0, 1, 4}) {
                    assertThat(Float.floatToIntBits(VectorSums.pairwiseFloat(s, offset, n)))
                            .as("n=%d offset=%d", n, offset)
                            .isEqualTo(Float.floatToIntBits(Aggregates.pairwiseFloat(FLOATS, s, offset, n)));
                }
            }
            s.set(Layouts.FLOAT, 4 * 5, Float.NaN);
            assertThat(VectorSums.pairwiseFloat(s, 0, 8192)).isNaN();
        }
    }
}

package io.redmap.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis's checkClientOutputBufferLimits rules, with the clock given. */
class OutputBufferLimitsTest {
    @Test
    void theHardLimitClosesAtOnceAndZeroMeansNone() {
        OutputBufferLimits.Limit limit = new OutputBufferLimits.Limit(1000, 0, 0);
        OutputBufferLimits.SoftLimitClock clock = new OutputBufferLimits.SoftLimitClock();
        assertThat(limit.breached(999, 0, clock)).isFalse();
        assertThat(limit.breached(1000, 0, clock)).isTrue();
        assertThat(OutputBufferLimits.Limit.NONE.breached(Long.MAX_VALUE, 0, clock)).isFalse();
    }

    @Test
    void theSoftLimitClosesOnlyWhenPassedForLongerThanItsSeconds() {
        OutputBufferLimits.Limit limit = new OutputBufferLimits.Limit(0, 100, 10);
        OutputBufferLimits.SoftLimitClock clock = new OutputBufferLimits.SoftLimitClock();
        assertThat(limit.breached(150, 1_000, clock)).isFalse();
        assertThat(limit.breached(150, 11_000, clock)).as("exactly 10 s over").isFalse();
        assertThat(limit.breached(150, 11_001, clock)).isTrue();

        // Back under the soft limit: the time over it starts again from zero.
        assertThat(limit.breached(50, 11_002, clock)).isFalse();
        assertThat(limit.breached(150, 12_000, clock)).isFalse();
        assertThat(limit.breached(150, 21_000, clock)).isFalse();
        assertThat(limit.breached(150, 22_001, clock)).isTrue();
    }

    @Test
    void classesAreParsedMergedAndWrittenAsRedisDoes() {
        OutputBufferLimits limits = OutputBufferLimits.parse(OutputBufferLimits.DEFAULT);
        assertThat(limits.of(ClientType.NORMAL)).isEqualTo(OutputBufferLimits.Limit.NONE);
        assertThat(limits.of(ClientType.REPLICA)).isEqualTo(new OutputBufferLimits.Limit(256L << 20, 64L << 20, 60));
        assertThat(limits.of(ClientType.PUBSUB)).isEqualTo(new OutputBufferLimits.Limit(32L << 20, 8L << 20, 60));
        assertThat(limits.of(ClientType.MASTER)).isEqualTo(OutputBufferLimits.Limit.NONE);

        assertThat(OutputBufferLimits.merge(OutputBufferLimits.DEFAULT, OutputBufferLimits.normalize("PUBSUB 1k 2kb 3 Replica 1gb 0 0")))
                .isEqualTo("normal 0 0 0 slave 1073741824 0 0 pubsub 1000 2048 3");
        assertThatThrownBy(() -> OutputBufferLimits.normalize("normal 1 2"))
                .hasMessage("Wrong number of arguments in buffer limit configuration.");
        assertThatThrownBy(() -> OutputBufferLimits.normalize("master 1 2 3"))
                .hasMessage("Invalid client class specified in buffer limit configuration.");
        assertThatThrownBy(() -> OutputBufferLimits.normalize("normal 1 2 x"))
                .hasMessage("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
}

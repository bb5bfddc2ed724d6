package io.redmap.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmap.protocol.Reply;
import io.redmap.type.ElementCodec;
import io.redmap.type.ElementType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The reply of {@code VMGET k i1 ... i100}: an array header and 100 doubles read from a
 * 1M-double off-heap segment (as a mapping is) with the DOUBLE codec into a direct buffer, in
 * RESP2 (bulk strings) and RESP3 (doubles). The score is per reply of 100 values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VmgetReplyBench {
    static final int COUNT = 1_000_000;
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    @Param({"2", "3"})
    public int protocol;

    @Param({"100"})
    public int values;

    private Arena arena;
    private MemorySegment data;
    private long[] offsets;
    private long[] consumed;
    private ElementCodec codec;
    private ByteBuf out;
    private Reply reply;

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        data = arena.allocate(COUNT * 8L, 8);
        SplittableRandom random = new SplittableRandom(1);
        for (long i = 0; i < COUNT; i++) {
            data.set(DOUBLE, i * 8, Math.round(random.nextDouble() * 100_000) / 100.0);
        }
        offsets = new long[values];
        for (int i = 0; i < values; i++) {
            offsets[i] = random.nextInt(COUNT) * 8L;
        }
        consumed = new long[values];
        codec = ElementType.DOUBLE.codec(8);
        out = Unpooled.directBuffer(values * 32 + 64);
        reply = new Reply(out, protocol);
    }

    @TearDown
    public void tearDown() {
        out.release();
        arena.close();
    }

    @Benchmark
    public int vmget() {
        out.clear();
        reply.arrayHeader(offsets.length);
        for (long offset : offsets) {
            codec.reply(data, offset, reply);
        }
        return out.writerIndex();
    }

    @Benchmark
    public int vmgetReadFirst() {
        out.clear();
        reply.arrayHeader(offsets.length);
        System.arraycopy(offsets, 0, consumed, 0, offsets.length);
        codec.replyAll(data, consumed, reply);
        return out.writerIndex();
    }
}

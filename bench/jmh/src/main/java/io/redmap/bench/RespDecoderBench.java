package io.redmap.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.redmap.protocol.DecoderLimits;
import io.redmap.protocol.RespDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * RESP request decoding: a batch of 32 pipelined requests (as redis-benchmark -P 32 sends them)
 * written into an {@link EmbeddedChannel} holding only the {@link RespDecoder}; the score is per
 * request. Shapes: {@code VGET k 654321}, {@code VSET k 123456 101.25}, a VMGET of 100 indices.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RespDecoderBench {
    static final int BATCH = 32;

    @Param({"vget", "vset", "vmget100"})
    public String request;

    private EmbeddedChannel channel;
    private ByteBuf batch;

    @Setup
    public void setup() {
        String one = switch (request) {
            case "vget" -> resp("VGET", "k", "654321");
            case "vset" -> resp("VSET", "k", "123456", "101.25");
            case "vmget100" -> {
                SplittableRandom random = new SplittableRandom(7);
                String[] args = new String[102];
                args[0] = "VMGET";
                args[1] = "k";
                for (int i = 2; i < args.length; i++) {
                    args[i] = Integer.toString(random.nextInt(1_000_000));
                }
                yield resp(args);
            }
            default -> throw new IllegalArgumentException(request);
        };
        batch = Unpooled.directBuffer();
        for (int i = 0; i < BATCH; i++) {
            batch.writeBytes(one.getBytes(StandardCharsets.US_ASCII));
        }
        channel = new EmbeddedChannel(new RespDecoder(() -> DecoderLimits.DEFAULT));
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        batch.release();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decode(Blackhole bh) {
        channel.writeInbound(batch.retainedDuplicate());
        Object message;
        int n = 0;
        while ((message = channel.readInbound()) != null) {
            bh.consume(message);
            n++;
        }
        if (n != BATCH) {
            throw new IllegalStateException("decoded " + n + " requests instead of " + BATCH);
        }
    }

    static String resp(String... args) {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }
}

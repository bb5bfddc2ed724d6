package io.redmap.it;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.DoubleOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lettuce in RESP3: typed replies arrive as the types a RESP3 client expects. */
class LettuceResp3Test {
    /** The array commands, which Lettuce does not know by name. */
    private enum Mmap implements ProtocolKeyword {
        MMAP, VGET, VMGET, VADD, VSET, VPOP, VCOUNT, VALL, VTYPE;

        @Override
        public byte[] getBytes() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private TestServer server;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        StatefulRedisConnection<String, String> connection = server.lettuce(true);
        redis = connection.sync();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void connectionSpeaksResp3() {
        String info = redis.clientInfo();
        assertThat(info).contains("resp=3");
    }

    @Test
    void doubleValuesArriveAsDoubles() {
        assertThat(integer(Mmap.MMAP, "d", "d.bin")).isZero();
        assertThat(integer(Mmap.VADD, "d", "0.5", "-1.25", "1e300")).isEqualTo(3);
        assertThat(dbl(Mmap.VGET, "d", "0")).isEqualTo(0.5);
        assertThat(dbl(Mmap.VGET, "d", "2")).isEqualTo(1e300);
        assertThat(array(Mmap.VMGET, "d", "1", "0")).containsExactly(-1.25, 0.5);
        assertThat(array(Mmap.VALL, "d")).containsExactly(0.5, -1.25, 1e300);
    }

    @Test
    void infinityArrivesAsADouble() {
        integer(Mmap.MMAP, "d", "d.bin");
        integer(Mmap.VADD, "d", "inf", "-inf");
        assertThat(array(Mmap.VALL, "d")).containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Test
    void floatValuesArriveAsTheirShortestDouble() {
        assertThat(integer(Mmap.MMAP, "f", "f.bin", "float", "WRITABLE")).isZero();
        integer(Mmap.VADD, "f", "0.1", "3.4028235e38", "-2");
        // The float nearest 0.1 replies as "0.1", which a client reads as the double 0.1.
        assertThat(dbl(Mmap.VGET, "f", "0")).isEqualTo(0.1);
        assertThat(array(Mmap.VALL, "f")).containsExactly(0.1, 3.4028235e38, -2.0);
    }

    @Test
    void integerValuesArriveAsIntegers() {
        integer(Mmap.MMAP, "i", "i.bin", "int64", "WRITABLE");
        integer(Mmap.VADD, "i", "-9223372036854775808", "42", "9223372036854775807");
        assertThat(integer(Mmap.VGET, "i", "1")).isEqualTo(42);
        assertThat(array(Mmap.VALL, "i")).containsExactly(Long.MIN_VALUE, 42L, Long.MAX_VALUE);
        assertThat(integer(Mmap.VCOUNT, "i")).isEqualTo(3);
        assertThat(integer(Mmap.VSET, "i", "0", "7", "2", "8")).isEqualTo(2);
        assertThat(array(Mmap.VMGET, "i", "0", "2")).containsExactly(7L, 8L);
    }

    @Test
    void uint64AboveLongMaxArrivesAsABigNumber() {
        integer(Mmap.MMAP, "u", "u.bin", "uint64", "WRITABLE");
        integer(Mmap.VADD, "u", "18446744073709551615", "5");
        assertThat(redis.dispatch(Mmap.VGET, new ValueOutput<>(StringCodec.UTF8), args("u", "0")))
                .isEqualTo("18446744073709551615");
        assertThat(integer(Mmap.VGET, "u", "1")).isEqualTo(5);
    }

    @Test
    void missingValuesArriveAsNull() {
        integer(Mmap.MMAP, "d", "d.bin");
        assertThat(dbl(Mmap.VPOP, "d")).isNull();
        integer(Mmap.VADD, "d", "2.5");
        assertThat(dbl(Mmap.VPOP, "d")).isEqualTo(2.5);
        assertThat(dbl(Mmap.VPOP, "d")).isNull();
        assertThat(redis.clientGetname()).isNull();
    }

    @Test
    void vtypeIsABulkString() {
        integer(Mmap.MMAP, "s", "s.bin", "string", "8", "WRITABLE");
        assertThat(redis.dispatch(Mmap.VTYPE, new ValueOutput<>(StringCodec.UTF8), args("s"))).isEqualTo("string");
        integer(Mmap.VADD, "s", "abc");
        assertThat(redis.dispatch(Mmap.VGET, new ValueOutput<>(StringCodec.UTF8), args("s", "0"))).isEqualTo("abc");
    }

    @Test
    void errorsArriveAsExceptionsWithRedisText() {
        assertThatThrownBy(() -> integer(Mmap.VCOUNT, "missing")).hasMessage("ERR You must do MMAP first");
        integer(Mmap.MMAP, "d", "d.bin");
        assertThatThrownBy(() -> dbl(Mmap.VGET, "d", "0")).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> dbl(Mmap.VGET, "d", "x")).hasMessage("ERR index argument must be integer");
    }

    @Test
    void plainCommandsWork() {
        assertThat(redis.ping()).isEqualTo("PONG");
        assertThat(redis.echo("hello")).isEqualTo("hello");
        integer(Mmap.MMAP, "a", "a.bin");
        integer(Mmap.MMAP, "b", "b.bin");
        assertThat(redis.exists("a", "b", "c")).isEqualTo(2);
        assertThat(redis.keys("*")).containsExactlyInAnyOrder("a", "b");
        assertThat(redis.type("a")).isEqualTo("mmap");
        assertThat(redis.type("c")).isEqualTo("none");
        assertThat(redis.dbsize()).isEqualTo(2);
        assertThat(redis.del("a", "c")).isEqualTo(1);
        assertThat(redis.exists("a")).isZero();
        assertThat(server.path("a.bin")).exists();
    }

    @Test
    void clientNameRoundTrips() {
        assertThat(redis.clientSetname("worker-1")).isEqualTo("OK");
        assertThat(redis.clientGetname()).isEqualTo("worker-1");
        assertThat(redis.clientList()).contains("name=worker-1");
    }

    @Test
    void infoHasTheMmapSection() {
        integer(Mmap.MMAP, "a", "a.bin");
        String info = redis.info();
        assertThat(info).contains("# Server", "# Keyspace", "# Mmap", "mapped_keys:1", "db0:keys=1");
        assertThat(redis.info("mmap")).contains("# Mmap").doesNotContain("# Server");
    }

    @Test
    void commandInfoParsesInResp3() {
        var details = redis.commandInfo("vget", "vset");
        assertThat(details).hasSize(2);
        assertThat(redis.commandCount()).isGreaterThan(40);
    }

    @Test
    void execAfterATouchedWatchIsDiscarded() {
        integer(Mmap.MMAP, "d", "d.bin");
        assertThat(redis.watch("d")).isEqualTo("OK");
        try (StatefulRedisConnection<String, String> other = server.lettuce(true)) {
            other.sync().dispatch(Mmap.VADD, new IntegerOutput<>(StringCodec.UTF8), args("d", "1"));
        }
        assertThat(redis.multi()).isEqualTo("OK");
        integer(Mmap.VADD, "d", "2");
        assertThat(redis.exec().wasDiscarded()).isTrue();
        assertThat(integer(Mmap.VCOUNT, "d")).isEqualTo(1);
    }

    @Test
    void execRepliesTypedResults() {
        integer(Mmap.MMAP, "d", "d.bin");
        redis.multi();
        integer(Mmap.VADD, "d", "0.25");
        dbl(Mmap.VGET, "d", "0");
        var result = redis.exec();
        assertThat(result.wasDiscarded()).isFalse();
        assertThat(result.<Object>get(0)).isEqualTo(1L);
        assertThat(result.<Object>get(1)).isEqualTo(0.25);
    }

    @Test
    void statusRepliesArriveAsStrings() {
        assertThat(redis.dispatch(CommandType.PING, new StatusOutput<>(StringCodec.UTF8)))
                .isEqualTo("PONG");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Long integer(Mmap command, String... words) {
        return redis.dispatch(command, new IntegerOutput<>(StringCodec.UTF8), args(words));
    }

    private Double dbl(Mmap command, String... words) {
        return redis.dispatch(command, new DoubleOutput<>(StringCodec.UTF8), args(words));
    }

    private List<Object> array(Mmap command, String... words) {
        CommandOutput<String, String, List<Object>> output = new ArrayOutput<>(StringCodec.UTF8);
        return redis.dispatch(command, output, args(words));
    }

    private static CommandArgs<String, String> args(String... words) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (String word : words) {
            args.add(word);
        }
        return args;
    }
}

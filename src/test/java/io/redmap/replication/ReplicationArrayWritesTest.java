package io.redmap.replication;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "after a full sync every write is streamed in order. Commands are propagated as their
 * effect, so that replicas end byte-identical". Each array write command on a master with one
 * replica online; once {@code WAIT 1 5000} replies 1, the replica's files are byte-identical and
 * every key answers the same.
 */
class ReplicationArrayWritesTest extends MasterAndReplica {
    @Test
    void vsetOfSeveralPairsVaddVpopAndVclear() {
        master.call("MMAP", "d", "d.f8", "double", "WRITABLE");
        master.call("VADD", "d", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(master.call("VSET", "d", 0, "1.5", 3, "-2", 9, "1e-300", 3, "7.25")).isEqualTo(4L);
        assertThat(master.call("VPOP", "d")).isEqualTo("1e-300");
        master.call("VPOP", "d");
        master.call("MMAP", "s", "s.txt", "string", "8", "WRITABLE");
        master.call("VADD", "s", "one", "two", "three", "12345678");
        master.call("VSET", "s", 1, "2", 3, "");
        master.call("VPOP", "s");
        master.call("MMAP", "rows", "rows.i2", "int16", "DIM", "3", "WRITABLE");
        master.call("VADD", "rows", 1, 2, 3, 4, 5, 6, 7, 8, 9);
        master.call("VSET", "rows", 1, -4, -5, -6, 2, 70, 80, 90);
        master.call("VPOP", "rows");
        master.call("MMAP", "cleared", "cleared.u2", "uint16", "WRITABLE");
        master.call("VADD", "cleared", 1, 2, 3);
        assertThat(master.call("VCLEAR", "cleared")).isEqualTo(3L);
        master.call("MMAP", "again", "again.u4", "uint32", "WRITABLE");
        master.call("VADD", "again", 1, 2, 3);
        master.call("VCLEAR", "again");
        master.call("VADD", "again", 4294967295L);
        assertReplicated();
        assertThat(replica.call("VALL", "d")).isEqualTo(List.of("1.5", "1", "2", "7.25", "4", "5", "6", "7"));
        assertThat(replica.call("VCOUNT", "cleared")).isEqualTo(0L);
    }

    @Test
    void vwriteOverwritesAndAppendsTheSameBytes() {
        master.call("MMAP", "ints", "ints.i4", "int32", "WRITABLE");
        master.call("VADD", "ints", 1, 2, 3, 4);
        assertThat(master.call("VWRITE", "ints", 1, le32(-1, -2))).isEqualTo(2L);
        assertThat(master.call("VWRITE", "ints", 4, le32(5, 6, 7))).as("start == count appends").isEqualTo(3L);
        assertThat(master.call("VWRITE", "ints", 6, le32(70, 80, 90))).as("overwrites one, appends two").isEqualTo(3L);
        // A write of several blocks in one command: 3 MiB of random bytes.
        byte[] blob = new byte[3 << 20];
        new Random(3).nextBytes(blob);
        master.call("MMAP", "blob", "blob.u1", "uint8", "WRITABLE");
        assertThat(master.call("VWRITE", "blob", 0, blob)).isEqualTo((long) blob.length);
        assertThat(master.call("VWRITE", "blob", 1 << 20, new byte[] {1, 2, 3})).isEqualTo(3L);
        assertReplicated();
        assertThat(replica.call("VALL", "ints")).isEqualTo(List.of(1L, -1L, -2L, 4L, 5L, 6L, 70L, 80L, 90L));
    }

    @Test
    void vincrbyfloatLeavesTheReplicasValuesBitIdentical() {
        List<String> types = List.of("double", "float", "float16", "bfloat16", "long_double");
        for (String type : types) {
            master.call("MMAP", type, type + ".bin", type, "WRITABLE");
            master.call("VADD", type, 0, "0.3", "-1e-3");
        }
        List<Object> masterReplies = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            for (String type : types) {
                masterReplies.add(master.call("VINCRBYFLOAT", type, 0, "0.1"));
                masterReplies.add(master.call("VINCRBYFLOAT", type, 1, "1e-7"));
                masterReplies.add(master.call("VINCRBYFLOAT", type, 2, "-0.7"));
            }
        }
        assertReplicated();
        for (String type : types) {
            assertThat(replica.call("VALL", type)).as(type).isEqualTo(master.call("VALL", type));
        }
        assertThat(masterReplies).doesNotContainNull();
    }

    @Test
    void vincrbyOnIntegersAtTheirLimits() {
        master.call("MMAP", "i8", "i8.i1", "int8", "WRITABLE");
        master.call("VADD", "i8", 120, -120);
        master.call("MMAP", "u64", "u64.u8", "uint64", "WRITABLE");
        master.call("VADD", "u64", "18446744073709551610", 0);
        master.call("MMAP", "i64", "i64.i8", "int64", "WRITABLE");
        master.call("VADD", "i64", "-9223372036854775800", 0);
        for (int i = 0; i < 5; i++) {
            master.call("VINCRBY", "i8", 0, 1);
            master.call("VINCRBY", "i8", 1, -1);
            master.call("VINCRBY", "u64", 0, 1);
            master.call("VINCRBY", "u64", 1, 1_000_000_007);
            master.call("VINCRBY", "i64", 0, -1);
        }
        // A refused increment (out of the type's range) changes nothing anywhere.
        master.reply("VINCRBY", "i8", 0, 100);
        assertReplicated();
        assertThat(replica.call("VALL", "u64")).isEqualTo(List.of("18446744073709551615", 5_000_000_035L));
    }

    @Test
    void twoKeysOnOneFileWriteTheSameFileOnTheReplica() {
        master.call("MMAP", "a", "shared.f4", "float", "WRITABLE");
        master.call("MMAP", "b", "shared.f4", "float", "WRITABLE");
        master.call("VADD", "a", 1, 2, 3);
        master.call("VSET", "b", 0, 10);
        master.call("VADD", "b", 4);
        master.call("VPOP", "a");
        master.call("VINCRBYFLOAT", "b", 1, "0.5");
        assertReplicated();
        assertThat(replica.call("VALL", "a")).isEqualTo(List.of("10", "2.5", "3"));
    }

    @Test
    void aPipelinedBurstOfWritesArrivesInOrder() {
        master.call("MMAP", "burst", "burst.i8", "int64", "WRITABLE");
        master.call("MMAP", "other", "other.f8", "double", "WRITABLE");
        try (Jedis jedis = master.connect()) {
            Pipeline pipeline = jedis.pipelined();
            ProtocolCommand vadd = () -> "VADD".getBytes(StandardCharsets.US_ASCII);
            ProtocolCommand vset = () -> "VSET".getBytes(StandardCharsets.US_ASCII);
            ProtocolCommand vpop = () -> "VPOP".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 5_000; i++) {
                pipeline.sendCommand(vadd, "burst", Integer.toString(i), Integer.toString(-i));
                pipeline.sendCommand(vset, "burst", Integer.toString(i), Integer.toString(i * 3));
                pipeline.sendCommand(vadd, "other", i + ".25");
                if (i % 3 == 0) {
                    pipeline.sendCommand(vpop, "other");
                }
            }
            pipeline.sync();
        }
        assertReplicated();
        assertThat(replica.call("VCOUNT", "burst")).isEqualTo(10_000L);
    }

    static byte[] le32(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }
}

package io.redmap.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The declared topology (SPEC G), checked whole before a node starts: the {@code cluster-shard}
 * lines of three shards as {@code redis-cli --cluster create} would split the slots, and every way
 * such lines can be wrong, each refused with a message that names what is wrong. Also the two
 * pure functions beneath it: Redis's key-to-slot hash and the slot-range text.
 */
class TopologyTest {
    private static final String A = "a 0-5460 127.0.0.1:7000 127.0.0.1:7003";
    private static final String B = "b 5461-10922 127.0.0.1:7001 127.0.0.1:7004";
    private static final String C = "c 10923-16383 127.0.0.1:7002 127.0.0.1:7005";

    @Test
    void threeShardsCoverEverySlotWithTheFirstAddressAsMaster() {
        Topology topology = Topology.parse(List.of(A, B, C));

        assertThat(topology.shards()).extracting(Shard::name).containsExactly("a", "b", "c");
        assertThat(topology.nodeCount()).isEqualTo(6);
        Shard b = topology.shard("b");
        assertThat(b.declaredSlots().nextSetBit(0)).isEqualTo(5461);
        assertThat(b.declaredSlots().cardinality()).isEqualTo(10922 - 5461 + 1);
        assertThat(b.nodes()).extracting(ClusterNode::address).containsExactly("127.0.0.1:7001", "127.0.0.1:7004");
        assertThat(topology.nodeAt("127.0.0.1", 7004).shard()).isEqualTo("b");
        assertThat(topology.nodeAt("127.0.0.1", 7999)).isNull();
    }

    @Test
    void nodeIdsAreFortyHexDigitsDerivedFromShardAndAddressSoEveryNodeComputesTheSame() {
        Topology first = Topology.parse(List.of(A, B, C));
        // The same lines in another order (another node's include file, edited by hand).
        Topology second = Topology.parse(List.of(C, A, B));

        ClusterNode node = first.nodeAt("127.0.0.1", 7004);
        assertThat(node.id()).matches("[0-9a-f]{40}");
        assertThat(second.nodeAt("127.0.0.1", 7004).id()).isEqualTo(node.id());
        assertThat(first.node(node.id())).isEqualTo(node);
        assertThat(first.nodeAt("127.0.0.1", 7001).id()).isNotEqualTo(node.id());
        assertThat(first.shard("a").id()).matches("[0-9a-f]{40}").isNotEqualTo(first.shard("b").id());
    }

    @Test
    void aHoleIsRefusedNamingTheSlotsNoShardServes() {
        assertThatThrownBy(() -> Topology.parse(List.of(
                "a 0-5000 127.0.0.1:7000", "b 5461-10922 127.0.0.1:7001", "c 10923-16000,16002-16383 127.0.0.1:7002")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 5001-5460,16001 are given to no shard: every slot 0-16383 needs one cluster-shard line");
    }

    @Test
    void anOverlapIsRefusedNamingTheSlotsAndBothShards() {
        assertThatThrownBy(() -> Topology.parse(List.of(
                "a 0-5500 127.0.0.1:7000", "b 5461-10922 127.0.0.1:7001", "c 10923-16383 127.0.0.1:7002")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 5461-5500 are given to both shard a and shard b");
    }

    @Test
    void aShardDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> Topology.parse(List.of(A, "a 5461-16383 127.0.0.1:7001")))
                .hasMessage("cluster-shard a is declared twice");
    }

    @Test
    void anAddressInTwoShardsIsRefusedNamingBoth() {
        assertThatThrownBy(() -> Topology.parse(List.of(A, "b 5461-16383 127.0.0.1:7001 127.0.0.1:7003")))
                .hasMessage("cluster-shard b: 127.0.0.1:7003 is already a node of shard a");
    }

    @Test
    void anAddressTwiceInOneShardIsRefused() {
        assertThatThrownBy(() -> Topology.parse(List.of("a 0-16383 127.0.0.1:7000 127.0.0.1:7000")))
                .hasMessage("cluster-shard a: 127.0.0.1:7000 is already a node of shard a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1        | cluster-shard a: '127.0.0.1' is not host:port",
            ":7000            | cluster-shard a: ':7000' is not host:port",
            "127.0.0.1:       | cluster-shard a: '127.0.0.1:' is not host:port",
            "127.0.0.1:0      | cluster-shard a: '127.0.0.1:0' has no valid port",
            "127.0.0.1:65536  | cluster-shard a: '127.0.0.1:65536' has no valid port",
            "127.0.0.1:x      | cluster-shard a: '127.0.0.1:x' has no valid port",
            // .invalid never resolves (RFC 2606): the answer is quick, and the same everywhere.
            "no-such-host.invalid:7000 | cluster-shard a: unknown host 'no-such-host.invalid'",
    })
    void aBadAddressIsRefusedNamingIt(String address, String message) {
        assertThatThrownBy(() -> Topology.parse(List.of("a 0-16383 " + address)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0-16384    | cluster-shard a: '0-16384' is not a slot or a range of slots 0-16383",
            "x          | cluster-shard a: 'x' is not a slot or a range of slots 0-16383",
            "-5         | cluster-shard a: '-5' is not a slot or a range of slots such as 0-5460",
            "0-1-2      | cluster-shard a: '0-1-2' is not a slot or a range of slots such as 0-5460",
            "100-5      | cluster-shard a: the range '100-5' ends before it starts",
    })
    void badSlotsAreRefusedNamingThem(String slots, String message) {
        assertThatThrownBy(() -> Topology.parse(List.of("a " + slots + " 127.0.0.1:7000")))
                .hasMessage(message);
    }

    @Test
    void aLineWithoutAnAddressOrNoLineAtAllIsRefusedWithTheExpectedSyntax() {
        assertThatThrownBy(() -> Topology.parse(List.of("a 0-16383")))
                .hasMessage("cluster-shard 'a 0-16383': expected <name> <slots> <host:port> [<host:port> ...]");
        assertThatThrownBy(() -> Topology.parse(List.of()))
                .hasMessageContaining("cluster-enabled yes needs cluster-shard lines");
    }

    /** Values from Redis 7.0.15 ({@code CLUSTER KEYSLOT} of a redis-server in cluster mode) and the Redis Cluster spec. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo                  | 12182",
            "bar                  | 5061",
            "''                   | 0",
            // CRC16/XMODEM's check value 0x31C3 (the spec's reference test).
            "123456789            | 12739",
            "{user1000}.following | 3443",
            "{user1000}.followers | 3443",
            "user1000             | 3443",
            // An empty tag is no tag: the whole key is hashed.
            "{}foo                | 9500",
            // Only the first '{' counts, and then the first '}' after it.
            "foo{}{bar}           | 8363",
            "foo{{bar}}zap        | 4015",
            "foo{bar}{zap}        | 5061",
            // No closing brace: no tag.
            "{foo                 | 13308",
    })
    void slotsAreThoseOfRedis(String key, int slot) {
        assertThat(SlotHash.slot(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(slot);
    }

    @Test
    void slotsOfBinaryKeysUseEveryByte() {
        // Bytes above 0x7f are signed in Java: the table lookup must mask them.
        byte[] key = {(byte) 0xff, (byte) 0x80, 0x00, 0x7f};
        assertThat(SlotHash.crc16(key, 0, key.length)).isEqualTo(crc16Bitwise(key));
        assertThat(SlotHash.slot(key)).isEqualTo(crc16Bitwise(key) & 16383);
    }

    /** The spec's bit-by-bit CRC16/XMODEM (polynomial 0x1021, init 0), as an independent reference to the table. */
    private static int crc16Bitwise(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
            }
        }
        return crc;
    }

    @Test
    void slotRangesParseListsAndFormatAsClusterNodesDoes() {
        BitSet slots = SlotRanges.parse("0-100, 200-300,7000,16383");

        assertThat(slots.cardinality()).isEqualTo(101 + 101 + 1 + 1);
        assertThat(SlotRanges.format(slots, " ")).isEqualTo("0-100 200-300 7000 16383");
        assertThat(SlotRanges.format(slots, ",")).isEqualTo("0-100,200-300,7000,16383");
        assertThat(SlotRanges.ranges(slots)).containsExactly(
                new int[] {0, 100}, new int[] {200, 300}, new int[] {7000, 7000}, new int[] {16383, 16383});
        assertThat(SlotRanges.format(SlotRanges.parse("0-16383"), " ")).isEqualTo("0-16383");
        assertThat(SlotRanges.format(new BitSet(), " ")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "1,,2", "5,", "5-", "a-b"})
    void slotRangesRefuseEmptyOrBrokenParts(String text) {
        assertThatThrownBy(() -> SlotRanges.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}

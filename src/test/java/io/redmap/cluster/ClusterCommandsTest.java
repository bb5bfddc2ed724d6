package io.redmap.cluster;

import io.redmap.testing.ClusterProcesses;
import io.redmap.testing.ClusterProcesses.Shard;
import io.redmap.testing.Poll;
import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.ClusterShardInfo;
import redis.clients.jedis.resps.ClusterShardNodeInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC G on a real cluster: three masters and three replicas, each its own process on loopback,
 * sharing one topology file. What a cluster client reads (CLUSTER INFO, NODES, SLOTS, SHARDS, MYID,
 * MYSHARDID) and how a node answers a key it does not serve (-MOVED, -ASK, -CROSSSLOT), byte for
 * byte as Redis 7 answers; errors compared with a real redis-server in cluster mode where one is
 * installed. Tests that open slots or move one put the cluster back as they found it.
 */
class ClusterCommandsTest {
    @RegisterExtension
    static final ClusterProcesses cluster = ClusterProcesses.of(3);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern NODE_LINE = Pattern.compile(
            "([0-9a-f]{40}) 127\\.0\\.0\\.1:(\\d+)@(\\d+) (myself,)?(master|slave) (-|[0-9a-f]{40}) 0 0 (\\d+) connected(.*)");
    private static final String CROSSSLOT = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";

    /** Keys handed out by {@link #keyInSlot}, so that no two tests share one. */
    private static int keyCounter;

    // ---- what every node tells about the cluster -------------------------------------------------

    @Test
    void clusterInfoOnEveryNodeSaysOkWithSixNodesInThreeShards() {
        for (int port : cluster.ports()) {
            String info = cluster.call(port, "CLUSTER", "INFO");
            assertThat(info).as("CLUSTER INFO of %d", port)
                    .startsWith("$")
                    .contains("\r\ncluster_state:ok\r\n", "\r\ncluster_slots_assigned:16384\r\n", "\r\ncluster_slots_ok:16384\r\n",
                            "\r\ncluster_known_nodes:6\r\n", "\r\ncluster_size:3\r\n");
            assertThat(cluster.info(port, "cluster_enabled")).isEqualTo("1");
            assertThat(cluster.info(port, "redis_mode")).isEqualTo("cluster");
        }
    }

    @Test
    void clusterNodesShowsTheSameNodesIdsAndRolesOnEveryNodeWithMyselfMarked() {
        Map<Integer, String> idByPort = new HashMap<>();
        for (int port : cluster.ports()) {
            idByPort.put(port, bulkText(cluster.call(port, "CLUSTER", "MYID")));
        }
        assertThat(new HashSet<>(idByPort.values())).hasSize(6).allMatch(id -> id.matches("[0-9a-f]{40}"));

        Set<String> views = new HashSet<>();
        for (int port : cluster.ports()) {
            List<String> lines = nodeLines(port);
            assertThat(lines).as("CLUSTER NODES of %d", port).hasSize(6);
            List<String> withoutMyself = new ArrayList<>();
            int myselfCount = 0;
            for (String line : lines) {
                Matcher node = NODE_LINE.matcher(line);
                assertThat(node.matches()).as("line '%s' of %d in Redis's format", line, port).isTrue();
                int nodePort = Integer.parseInt(node.group(2));
                assertThat(node.group(1)).as("id of %d", nodePort).isEqualTo(idByPort.get(nodePort));
                assertThat(Integer.parseInt(node.group(3))).as("bus port").isEqualTo(nodePort + 10000);
                if (node.group(4) != null) {
                    myselfCount++;
                    assertThat(nodePort).as("the myself line of %d", port).isEqualTo(port);
                }
                Shard shard = shardOfPort(nodePort);
                if (nodePort == shard.masterPort()) {
                    assertThat(node.group(5)).isEqualTo("master");
                    assertThat(node.group(6)).isEqualTo("-");
                    assertThat(node.group(8)).isEqualTo(" " + shard.slots());
                } else {
                    assertThat(node.group(5)).isEqualTo("slave");
                    assertThat(node.group(6)).as("the master of %d", nodePort).isEqualTo(idByPort.get(shard.masterPort()));
                    assertThat(node.group(8)).isEmpty();
                }
                withoutMyself.add(line.replace(" myself,", " "));
            }
            assertThat(myselfCount).as("myself lines of %d", port).isEqualTo(1);
            views.add(String.join("\n", withoutMyself.stream().sorted().toList()));
        }
        assertThat(views).as("the views of the six nodes").hasSize(1);
    }

    @Test
    void clusterSlotsIsTheSameOnEveryNodeAndCoversEachSlotOnceWithIntegerBoundsAndPorts() {
        // Built from the declared topology: 3 ranges, each [start, end, master, replica], each node
        // [ip, port, id, {}] (Redis 7's empty map of further endpoints, an empty array in RESP2).
        StringBuilder expected = new StringBuilder("*3\r\n");
        for (Shard shard : cluster.shards()) {
            expected.append("*4\r\n:").append(shard.firstSlot()).append("\r\n:").append(shard.lastSlot()).append("\r\n");
            for (int port : List.of(shard.masterPort(), shard.replicaPort())) {
                expected.append("*4\r\n").append(bulk("127.0.0.1")).append(':').append(port).append("\r\n")
                        .append(bulk(myId(port))).append("*0\r\n");
            }
        }
        assertThat(cluster.shards().getFirst().firstSlot()).isZero();
        assertThat(cluster.shards().getLast().lastSlot()).isEqualTo(16383);
        for (int i = 1; i < cluster.shards().size(); i++) {
            assertThat(cluster.shards().get(i).firstSlot()).isEqualTo(cluster.shards().get(i - 1).lastSlot() + 1);
        }
        for (int port : cluster.ports()) {
            assertThat(cluster.call(port, "CLUSTER", "SLOTS")).as("CLUSTER SLOTS of %d", port).isEqualTo(expected.toString());
        }
    }

    @Test
    void clusterShardsAsJedisReadsItNamesEachShardsSlotsAndNodesWithRoles() {
        for (int port : List.of(cluster.masterPorts().getFirst(), cluster.replicaPorts().getLast())) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                List<ClusterShardInfo> shards = jedis.clusterShards();
                assertThat(shards).hasSize(3);
                for (int i = 0; i < 3; i++) {
                    Shard shard = cluster.shards().get(i);
                    ClusterShardInfo info = shards.get(i);
                    assertThat(info.getSlots()).containsExactly(List.of((long) shard.firstSlot(), (long) shard.lastSlot()));
                    List<ClusterShardNodeInfo> nodes = info.getNodes();
                    assertThat(nodes).extracting(ClusterShardNodeInfo::getPort)
                            .containsExactly((long) shard.masterPort(), (long) shard.replicaPort());
                    assertThat(nodes).extracting(ClusterShardNodeInfo::getRole).containsExactly("master", "replica");
                    assertThat(nodes).extracting(ClusterShardNodeInfo::getId)
                            .containsExactly(myId(shard.masterPort()), myId(shard.replicaPort()));
                    assertThat(nodes).extracting(ClusterShardNodeInfo::getIp).containsOnly("127.0.0.1");
                    assertThat(nodes).extracting(ClusterShardNodeInfo::getEndpoint).containsOnly("127.0.0.1");
                    assertThat(nodes).extracting(ClusterShardNodeInfo::getHealth).containsOnly("online");
                }
            }
        }
    }

    @Test
    void myShardIdIsSharedByAMasterAndItsReplicaAndDiffersBetweenShards() {
        Set<String> shardIds = new HashSet<>();
        for (Shard shard : cluster.shards()) {
            String id = bulkText(cluster.call(shard.masterPort(), "CLUSTER", "MYSHARDID"));
            assertThat(id).matches("[0-9a-f]{40}");
            assertThat(bulkText(cluster.call(shard.replicaPort(), "CLUSTER", "MYSHARDID"))).isEqualTo(id);
            shardIds.add(id);
        }
        assertThat(shardIds).hasSize(3);
    }

    // ---- slots and keys ------------------------------------------------------------------------------

    @Test
    void keySlotCountKeysInSlotAndGetKeysInSlotSeeOnlyThisNodesKeys() {
        assertThat(cluster.call(cluster.ports().getLast(), "CLUSTER", "KEYSLOT", "foo")).isEqualTo(":12182\r\n");
        assertThat(cluster.call(cluster.ports().getFirst(), "CLUSTER", "KEYSLOT", "{user1000}.following"))
                .isEqualTo(cluster.call(cluster.ports().getFirst(), "CLUSTER", "KEYSLOT", "{user1000}.followers"))
                .isEqualTo(":3443\r\n");

        String tag = tagOfShard(cluster.shards().get(1));
        int slot = SlotHash.slot(tag.getBytes(StandardCharsets.UTF_8));
        Shard owner = cluster.shardOf(slot);
        for (String name : List.of("x", "y", "z")) {
            assertThat(cluster.call(owner.masterPort(), "MMAP", "{" + tag + "}" + name, "{" + tag + "}" + name + ".f8", "double", "WRITABLE"))
                    .isEqualTo(":0\r\n");
        }
        String slotText = Integer.toString(slot);
        assertThat(cluster.call(owner.masterPort(), "CLUSTER", "COUNTKEYSINSLOT", slotText)).isEqualTo(":3\r\n");
        assertThat(cluster.call(owner.masterPort(), "CLUSTER", "GETKEYSINSLOT", slotText, "2")).startsWith("*2\r\n");
        assertThat(cluster.call(owner.masterPort(), "CLUSTER", "GETKEYSINSLOT", slotText, "10"))
                .startsWith("*3\r\n").contains("{" + tag + "}x", "{" + tag + "}y", "{" + tag + "}z");
        // The other masters have none of them: the count is of this node's keys, as in Redis.
        for (int port : cluster.masterPorts()) {
            if (port != owner.masterPort()) {
                assertThat(cluster.call(port, "CLUSTER", "COUNTKEYSINSLOT", slotText)).isEqualTo(":0\r\n");
                assertThat(cluster.call(port, "CLUSTER", "GETKEYSINSLOT", slotText, "10")).isEqualTo("*0\r\n");
            }
        }
        // The replica got them from its master's stream.
        Poll.until(TIMEOUT, "the replica to count the slot's 3 keys",
                () -> cluster.call(owner.replicaPort(), "CLUSTER", "COUNTKEYSINSLOT", slotText), ":3\r\n"::equals, cluster::logs);
    }

    @Test
    void slotArgumentsOutOfRangeOrNotNumbersGetRedisErrors() {
        int port = cluster.masterPorts().getFirst();
        assertThat(cluster.call(port, "CLUSTER", "COUNTKEYSINSLOT", "16384")).isEqualTo("-ERR Invalid slot\r\n");
        assertThat(cluster.call(port, "CLUSTER", "COUNTKEYSINSLOT", "-1")).isEqualTo("-ERR Invalid slot\r\n");
        assertThat(cluster.call(port, "CLUSTER", "COUNTKEYSINSLOT", "abc")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(cluster.call(port, "CLUSTER", "GETKEYSINSLOT", "16384", "1")).isEqualTo("-ERR Invalid slot or number of keys\r\n");
        assertThat(cluster.call(port, "CLUSTER", "GETKEYSINSLOT", "1", "-1")).isEqualTo("-ERR Invalid slot or number of keys\r\n");
        assertThat(cluster.call(port, "CLUSTER", "GETKEYSINSLOT", "1", "abc")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(cluster.call(port, "CLUSTER", "SETSLOT", "16384", "STABLE")).isEqualTo("-ERR Invalid or out of range slot\r\n");
        assertThat(cluster.call(port, "CLUSTER", "SETSLOT", "abc", "STABLE")).isEqualTo("-ERR Invalid or out of range slot\r\n");
    }

    @Test
    void setSlotRefusesUnknownNodesReplicasAndSlotsNotOwnedWithRedisErrors() {
        Shard a = cluster.shards().get(0);
        Shard b = cluster.shards().get(1);
        String slotOfA = Integer.toString(a.firstSlot());
        String unknown = "0123456789abcdef0123456789abcdef01234567";

        assertThat(cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "MIGRATING", unknown))
                .isEqualTo("-ERR I don't know about node " + unknown + "\r\n");
        assertThat(cluster.call(b.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "IMPORTING", unknown))
                .isEqualTo("-ERR I don't know about node " + unknown + "\r\n");
        assertThat(cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "MIGRATING", myId(b.replicaPort())))
                .isEqualTo("-ERR Target node is not a master\r\n");
        assertThat(cluster.call(b.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "MIGRATING", myId(a.masterPort())))
                .isEqualTo("-ERR I'm not the owner of hash slot " + slotOfA + "\r\n");
        assertThat(cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "IMPORTING", myId(b.masterPort())))
                .isEqualTo("-ERR I'm already the owner of hash slot " + slotOfA + "\r\n");
        assertThat(cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "SIDEWAYS"))
                .isEqualTo("-ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP\r\n");
        assertThat(cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", slotOfA, "NODE", myId(b.replicaPort())))
                .isEqualTo("-ERR Target node is not a master\r\n");
        // A slot whose keys are still here cannot be given away (MIGRATE moves them first).
        String key = keyInSlot(a.firstSlot() + 300, "setslot");
        assertThat(cluster.call(a.masterPort(), "MMAP", key, key + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
        assertThat(cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", Integer.toString(a.firstSlot() + 300), "NODE", myId(b.masterPort())))
                .isEqualTo("-ERR Can't assign hashslot " + (a.firstSlot() + 300)
                        + " to a different node while I still hold keys for this hash slot.\r\n");
        // A replica takes slot changes from its master's stream only.
        assertThat(cluster.call(a.replicaPort(), "CLUSTER", "SETSLOT", slotOfA, "NODE", myId(a.masterPort())))
                .isEqualTo("-ERR Please use SETSLOT only with masters.\r\n");
        // None of these changed anything.
        assertThat(nodeLines(a.masterPort())).noneMatch(line -> line.contains("["));
        assertThat(nodeLines(b.masterPort())).noneMatch(line -> line.contains("["));
    }

    @Test
    void setSlotNodeWithAnUnknownIdIsRefusedAsRedisRefusesIt() {
        String unknown = "0123456789abcdef0123456789abcdef01234567";
        assertThat(cluster.call(cluster.masterPorts().getFirst(), "CLUSTER", "SETSLOT", "0", "NODE", unknown))
                .isEqualTo("-ERR Unknown node " + unknown + "\r\n");
    }

    // ---- routing ------------------------------------------------------------------------------------

    @Test
    void aKeyOfAnotherShardIsMovedToItsMasterFromEveryOtherNode() {
        for (Shard owner : cluster.shards()) {
            String key = keyInSlot(slotOf(owner), "moved");
            int slot = SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
            String moved = "-MOVED " + slot + " 127.0.0.1:" + owner.masterPort() + "\r\n";
            for (int port : cluster.ports()) {
                if (port == owner.masterPort()) {
                    continue;
                }
                // Writes only to masters here: replicas refuse them in another way (writesOnAReplicaAreMovedToTheMaster).
                if (cluster.masterPorts().contains(port)) {
                    assertThat(cluster.call(port, "MMAP", key, key + ".f8", "double", "WRITABLE")).as("MMAP on %d", port).isEqualTo(moved);
                }
                assertThat(cluster.call(port, "VGET", key, "0")).as("VGET on %d", port).isEqualTo(moved);
            }
            assertThat(cluster.call(owner.masterPort(), "MMAP", key, key + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
            assertThat(cluster.call(owner.masterPort(), "VADD", key, "1.5", "2.5")).isEqualTo(":2\r\n");
            assertThat(cluster.call(owner.masterPort(), "VMGET", key, "0", "1")).isEqualTo("*2\r\n$3\r\n1.5\r\n$3\r\n2.5\r\n");
            assertThat(cluster.call(owner.masterPort(), "VCOUNT", key)).isEqualTo(":2\r\n");
        }
    }

    @Test
    void keysOfDifferentSlotsInOneCommandOrTransactionAreCrossSlotEvenOnOneShard() {
        Shard a = cluster.shards().getFirst();
        // Two slots of the same shard: CROSSSLOT is about slots, not nodes.
        String first = keyInSlot(a.firstSlot() + 10, "cross");
        String second = keyInSlot(a.firstSlot() + 11, "cross");
        try (RawClient client = new RawClient(a.masterPort())) {
            assertThat(client.call("MMAP", first, first + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
            assertThat(client.call("MMAP", second, second + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
            assertThat(client.call("RENAME", first, second)).isEqualTo(CROSSSLOT);
            assertThat(client.call("EXISTS", first, second)).isEqualTo(CROSSSLOT);

            // Each command alone is served here: queued; EXEC sees both slots and refuses the whole.
            assertThat(client.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(client.call("VADD", first, "1")).isEqualTo("+QUEUED\r\n");
            assertThat(client.call("VADD", second, "1")).isEqualTo("+QUEUED\r\n");
            assertThat(client.call("EXEC")).isEqualTo(CROSSSLOT);
            assertThat(client.call("DISCARD")).as("EXEC ended the transaction").isEqualTo("-ERR DISCARD without MULTI\r\n");
            assertThat(client.call("VCOUNT", first)).as("nothing ran").isEqualTo(":0\r\n");

            // One command of two slots is refused when queued, and the transaction with it.
            assertThat(client.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(client.call("RENAME", first, second)).isEqualTo(CROSSSLOT);
            assertThat(client.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
        }
    }

    @Test
    void keysWithTheSameHashTagStayTogetherInCommandsAndTransactions() {
        String tag = tagOfShard(cluster.shards().get(2));
        Shard owner = cluster.shardOf(SlotHash.slot(tag.getBytes(StandardCharsets.UTF_8)));
        String prices = "{" + tag + "}.prices";
        String volumes = "{" + tag + "}.volumes";
        try (RawClient client = new RawClient(owner.masterPort())) {
            assertThat(client.call("MMAP", prices, "tag-prices.f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
            assertThat(client.call("MMAP", volumes, "tag-volumes.f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
            assertThat(client.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(client.call("VADD", prices, "101.25")).isEqualTo("+QUEUED\r\n");
            assertThat(client.call("VADD", volumes, "7", "8")).isEqualTo("+QUEUED\r\n");
            assertThat(client.call("EXEC")).isEqualTo("*2\r\n:1\r\n:2\r\n");
            assertThat(client.call("EXISTS", prices, volumes)).isEqualTo(":2\r\n");
            assertThat(client.call("RENAME", volumes, "{" + tag + "}.sizes")).isEqualTo("+OK\r\n");
            assertThat(client.call("VMGET", "{" + tag + "}.sizes", "0", "1")).isEqualTo("*2\r\n$1\r\n7\r\n$1\r\n8\r\n");
        }
    }

    @Test
    void keysAndDbsizeAreThoseOfTheNodeAsked() {
        List<String> created = new ArrayList<>();
        for (Shard shard : cluster.shards()) {
            String key = keyInSlot(slotOf(shard) + 1, "local");
            assertThat(cluster.call(shard.masterPort(), "MMAP", key, key + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
            created.add(key);
        }
        for (Shard shard : cluster.shards()) {
            try (Jedis jedis = new Jedis("127.0.0.1", shard.masterPort())) {
                Set<String> keys = jedis.keys("*");
                assertThat(keys).allMatch(key -> shard.has(SlotHash.slot(key.getBytes(StandardCharsets.UTF_8))))
                        .containsOnlyOnce(created.get(cluster.shards().indexOf(shard)));
                assertThat(jedis.dbSize()).isEqualTo(keys.size());
            }
        }
    }

    @Test
    void onlyDatabaseZeroExists() {
        int port = cluster.masterPorts().getFirst();
        assertThat(cluster.call(port, "SELECT", "1")).isEqualTo("-ERR SELECT is not allowed in cluster mode\r\n");
        assertThat(cluster.call(port, "SELECT", "0")).isEqualTo("+OK\r\n");
    }

    @Test
    void aReplicaServesReadsOfItsShardAfterReadonlyAndRedirectsOtherwise() {
        Shard b = cluster.shards().get(1);
        Shard c = cluster.shards().get(2);
        String key = keyInSlot(slotOf(b), "readonly");
        String moved = "-MOVED " + SlotHash.slot(key.getBytes(StandardCharsets.UTF_8)) + " 127.0.0.1:" + b.masterPort() + "\r\n";
        assertThat(cluster.call(b.masterPort(), "MMAP", key, key + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
        assertThat(cluster.call(b.masterPort(), "VADD", key, "1.5", "2.5")).isEqualTo(":2\r\n");
        try (RawClient replica = new RawClient(b.replicaPort())) {
            assertThat(replica.call("VGET", key, "1")).as("before READONLY").isEqualTo(moved);
            assertThat(replica.call("READONLY")).isEqualTo("+OK\r\n");
            Poll.until(TIMEOUT, "the replica to serve the value written on its master",
                    () -> replica.call("VGET", key, "1"), "$3\r\n2.5\r\n"::equals, cluster::logs);
            assertThat(replica.call("VMGET", key, "0", "1")).isEqualTo("*2\r\n$3\r\n1.5\r\n$3\r\n2.5\r\n");
            // A key of another shard is still that shard's master's.
            String other = keyInSlot(slotOf(c), "readonly");
            assertThat(replica.call("VGET", other, "0"))
                    .isEqualTo("-MOVED " + SlotHash.slot(other.getBytes(StandardCharsets.UTF_8)) + " 127.0.0.1:" + c.masterPort() + "\r\n");
            // A write is refused, whatever the refusal's form (see writesOnAReplicaAreMovedToTheMaster).
            assertThat(replica.call("VADD", key, "3.5")).startsWith("-");
            assertThat(replica.call("VCOUNT", key)).isEqualTo(":2\r\n");
            assertThat(replica.call("READWRITE")).isEqualTo("+OK\r\n");
            assertThat(replica.call("VGET", key, "1")).as("after READWRITE").isEqualTo(moved);
        }
    }

    @Test
    void writesOnAReplicaAreMovedToTheMaster() {
        Shard b = cluster.shards().get(1);
        Shard c = cluster.shards().get(2);
        String own = keyInSlot(slotOf(b), "replica-write");
        String other = keyInSlot(slotOf(c), "replica-write");
        String movedToB = "-MOVED " + slotOf(b) + " 127.0.0.1:" + b.masterPort() + "\r\n";
        String movedToC = "-MOVED " + slotOf(c) + " 127.0.0.1:" + c.masterPort() + "\r\n";
        try (RawClient replica = new RawClient(b.replicaPort())) {
            assertThat(replica.call("MMAP", own, own + ".f8", "double", "WRITABLE")).isEqualTo(movedToB);
            assertThat(replica.call("MMAP", other, other + ".f8", "double", "WRITABLE")).isEqualTo(movedToC);
            assertThat(replica.call("READONLY")).isEqualTo("+OK\r\n");
            assertThat(replica.call("MMAP", own, own + ".f8", "double", "WRITABLE")).isEqualTo(movedToB);
        }
    }

    @Test
    void anImportingSlotServesAKeyAfterAskingOnlyAndAMigratingSlotAsksForMissingKeys() {
        Shard a = cluster.shards().get(0);
        Shard b = cluster.shards().get(1);
        int slot = emptySlotOf(a, 200);
        String missing = keyInSlot(slot, "ask");
        String present = keyInSlot(slot, "ask");
        String slotText = Integer.toString(slot);
        String idA = myId(a.masterPort());
        String idB = myId(b.masterPort());
        String moved = "-MOVED " + slot + " 127.0.0.1:" + a.masterPort() + "\r\n";
        assertThat(cluster.call(a.masterPort(), "MMAP", present, present + ".f8", "double", "WRITABLE")).isEqualTo(":0\r\n");
        try (RawClient target = new RawClient(b.masterPort()); RawClient source = new RawClient(a.masterPort())) {
            assertThat(target.call("CLUSTER", "SETSLOT", slotText, "IMPORTING", idA)).isEqualTo("+OK\r\n");
            assertThat(source.call("CLUSTER", "SETSLOT", slotText, "MIGRATING", idB)).isEqualTo("+OK\r\n");

            assertThat(myselfLine(b.masterPort())).endsWith(" [" + slot + "-<-" + idA + "]");
            assertThat(myselfLine(a.masterPort())).endsWith(" [" + slot + "->-" + idB + "]");
            // Open slots are the node's own business: the other nodes' lines show none.
            assertThat(nodeLines(cluster.masterPorts().get(2))).noneMatch(line -> line.contains("["));

            // The target serves the slot only to a client that says ASKING, for one command.
            assertThat(target.call("EXISTS", missing)).isEqualTo(moved);
            assertThat(target.call("ASKING")).isEqualTo("+OK\r\n");
            assertThat(target.call("EXISTS", missing)).isEqualTo(":0\r\n");
            assertThat(target.call("EXISTS", missing)).as("ASKING is good for one command").isEqualTo(moved);

            // The source serves the keys it still has, and asks the client to try the target for others.
            assertThat(source.call("EXISTS", present)).isEqualTo(":1\r\n");
            assertThat(source.call("EXISTS", missing)).isEqualTo("-ASK " + slot + " 127.0.0.1:" + b.masterPort() + "\r\n");
            // A command on both (one here, one not) cannot be served by either node during the move.
            assertThat(source.call("EXISTS", present, missing)).isEqualTo("-TRYAGAIN Multiple keys request during rehashing of slot\r\n");
        } finally {
            cluster.call(b.masterPort(), "CLUSTER", "SETSLOT", slotText, "STABLE");
            cluster.call(a.masterPort(), "CLUSTER", "SETSLOT", slotText, "STABLE");
        }
        try (RawClient target = new RawClient(b.masterPort())) {
            assertThat(target.call("ASKING")).isEqualTo("+OK\r\n");
            assertThat(target.call("EXISTS", missing)).as("STABLE closed the slot").isEqualTo(moved);
        }
        assertThat(cluster.call(a.masterPort(), "EXISTS", missing)).isEqualTo(":0\r\n");
        assertThat(myselfLine(a.masterPort())).doesNotContain("[");
        assertThat(myselfLine(b.masterPort())).doesNotContain("[");
    }

    @Test
    void anEmptySlotGivenToAnotherShardOnEveryMasterIsLearntByTheReplicasAndRedisCliChecksIt() throws Exception {
        Shard a = cluster.shards().get(0);
        Shard c = cluster.shards().get(2);
        int slot = emptySlotOf(a, 100);
        String slotText = Integer.toString(slot);
        String key = keyInSlot(slot, "moved-slot");
        try {
            giveSlotOnEveryMaster(slotText, myId(c.masterPort()));
            Map<String, String> expected = new TreeMap<>(Map.of(
                    myId(a.masterPort()), a.firstSlot() + "-" + (slot - 1) + " " + (slot + 1) + "-" + a.lastSlot(),
                    myId(cluster.shards().get(1).masterPort()), cluster.shards().get(1).slots(),
                    myId(c.masterPort()), slot + " " + c.slots()));
            for (int port : cluster.ports()) {
                Poll.until(TIMEOUT, "node " + port + " to know slot " + slot + " is shard c's",
                        () -> slotsByMaster(port), expected::equals, cluster::logs);
            }
            for (int port : cluster.ports()) {
                assertThat(cluster.call(port, "VGET", key, "0")).as("VGET on %d", port).isEqualTo(port == c.masterPort()
                        ? "-ERR You must do MMAP first\r\n" // served: a key it does not have
                        : "-MOVED " + slot + " 127.0.0.1:" + c.masterPort() + "\r\n");
            }
            assertThat(cluster.call(c.masterPort(), "EXISTS", key)).isEqualTo(":0\r\n");
            // The moves are kept in each master's cluster-config-file for a restart.
            assertThat(Files.readString(cluster.dir(a.masterPort()).resolve("nodes.conf"))).contains("slots " + slot + " c ");
            for (int port : cluster.ports()) {
                assertRedisCliCheckPasses(port);
            }
        } finally {
            for (int port : cluster.masterPorts()) {
                cluster.call(port, "CLUSTER", "SETSLOT", slotText, "NODE", myId(a.masterPort()));
            }
        }
        Map<String, String> declared = new TreeMap<>();
        for (Shard shard : cluster.shards()) {
            declared.put(myId(shard.masterPort()), shard.slots());
        }
        for (int port : cluster.ports()) {
            Poll.until(TIMEOUT, "node " + port + " to know slot " + slot + " is back with shard a",
                    () -> slotsByMaster(port), declared::equals, cluster::logs);
        }
        assertThat(cluster.call(c.masterPort(), "VGET", key, "0")).isEqualTo("-MOVED " + slot + " 127.0.0.1:" + a.masterPort() + "\r\n");
    }

    /** {@code CLUSTER SETSLOT slot NODE id} on every master, as redis-cli --cluster reshard ends a move. */
    private static void giveSlotOnEveryMaster(String slot, String nodeId) {
        for (int port : cluster.masterPorts()) {
            assertThat(cluster.call(port, "CLUSTER", "SETSLOT", slot, "NODE", nodeId)).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void aReplicaThatJoinsAfterASlotMoveLearnsItFromItsMaster() throws Exception {
        Shard a = cluster.shards().get(0);
        Shard c = cluster.shards().get(2);
        int slot = emptySlotOf(a, 400);
        String slotText = Integer.toString(slot);
        try {
            giveSlotOnEveryMaster(slotText, myId(c.masterPort()));
            Map<String, String> moved = slotsByMaster(a.masterPort());
            cluster.replaceWithEmptyNode(a.replicaPort());
            cluster.awaitLinkUp(a.replicaPort());
            Poll.until(TIMEOUT, "the new replica to know slot " + slot + " is shard c's",
                    () -> slotsByMaster(a.replicaPort()), moved::equals, cluster::logs);
            assertRedisCliCheckPasses(a.replicaPort());
        } finally {
            for (int port : cluster.masterPorts()) {
                cluster.call(port, "CLUSTER", "SETSLOT", slotText, "NODE", myId(a.masterPort()));
            }
        }
    }

    @Test
    void redisCliClusterCheckPassesOnEveryNode() throws Exception {
        for (int port : cluster.ports()) {
            assertRedisCliCheckPasses(port);
        }
    }

    @Test
    void commandsThatBuildAClusterByHandAreRefusedPointingAtTheTopology() {
        int port = cluster.masterPorts().getFirst();
        for (List<String> command : List.of(
                List.of("CLUSTER", "MEET", "127.0.0.1", "7000"),
                List.of("CLUSTER", "ADDSLOTS", "1"),
                List.of("CLUSTER", "ADDSLOTSRANGE", "1", "2"),
                List.of("CLUSTER", "DELSLOTS", "1"),
                List.of("CLUSTER", "DELSLOTSRANGE", "1", "2"),
                List.of("CLUSTER", "FLUSHSLOTS"),
                List.of("CLUSTER", "SET-CONFIG-EPOCH", "1"),
                List.of("CLUSTER", "BUMPEPOCH"),
                List.of("CLUSTER", "FORGET", myId(cluster.replicaPorts().getFirst())),
                List.of("CLUSTER", "REPLICATE", myId(cluster.masterPorts().get(1))),
                List.of("CLUSTER", "RESET"),
                List.of("CLUSTER", "FAILOVER"))) {
            assertThat(cluster.call(port, command.toArray(String[]::new))).as("%s", command)
                    .startsWith("-ERR CLUSTER " + command.get(1) + " is not supported: ")
                    .contains("cluster-shard");
        }
        assertThat(nodeLines(port)).hasSize(6);
    }

    @Test
    void clusterHelpListsEverySubcommandOfTheTable() {
        String help = cluster.call(cluster.masterPorts().getFirst(), "CLUSTER", "HELP");
        assertThat(help).startsWith("*").contains("+CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
                .contains("+SETSLOT slot <IMPORTING node-id | MIGRATING node-id | NODE node-id | STABLE>\r\n")
                .contains("+GETKEYSINSLOT slot count\r\n", "+SHARDS\r\n", "+    Returns the mapping of cluster slots to nodes.\r\n");
    }

    @Test
    void saveConfigWritesTheClusterConfigFile() throws IOException {
        int port = cluster.replicaPorts().get(1);
        Path file = cluster.dir(port).resolve("nodes.conf");
        Files.deleteIfExists(file); // an earlier slot move may have written it
        assertThat(cluster.call(port, "CLUSTER", "SAVECONFIG")).isEqualTo("+OK\r\n");
        assertThat(Files.readString(file)).startsWith("# redmap cluster view");
    }

    @Test
    void aServerWithoutClusterModeRefusesClusterCommandsAsRedisDoes() {
        try (TestServer server = TestServer.start()) {
            int port = server.port();
            for (List<String> command : List.of(List.of("CLUSTER", "INFO"), List.of("CLUSTER", "NODES"), List.of("CLUSTER", "SLOTS"),
                    List.of("READONLY"), List.of("READWRITE"), List.of("ASKING"))) {
                assertThat(cluster.call(port, command.toArray(String[]::new))).as("%s", command)
                        .isEqualTo("-ERR This instance has cluster support disabled\r\n");
            }
            assertThat(cluster.info(port, "cluster_enabled")).isEqualTo("0");
            assertThat(cluster.call(port, "SELECT", "1")).isEqualTo("+OK\r\n");
        }
    }

    /**
     * The same commands to redmap and to redis-server 7 in cluster mode (one node with every slot),
     * replies compared as sent. Each is asked of a redmap master that owns slot 0, as the Redis node does.
     */
    @Test
    void errorTextsAreThoseOfRedisServerInClusterMode() {
        String unknown = "0123456789abcdef0123456789abcdef01234567";
        List<List<String>> script = List.of(
                List.of("CLUSTER", "KEYSLOT", "foo"),
                List.of("CLUSTER", "KEYSLOT", ""),
                List.of("CLUSTER", "KEYSLOT", "{user1000}.following"),
                List.of("CLUSTER", "KEYSLOT"),
                List.of("CLUSTER", "COUNTKEYSINSLOT", "16384"),
                List.of("CLUSTER", "COUNTKEYSINSLOT", "-1"),
                List.of("CLUSTER", "COUNTKEYSINSLOT", "abc"),
                List.of("CLUSTER", "COUNTKEYSINSLOT", "99999999999999999999"),
                List.of("CLUSTER", "GETKEYSINSLOT", "16384", "1"),
                List.of("CLUSTER", "GETKEYSINSLOT", "0", "-1"),
                List.of("CLUSTER", "GETKEYSINSLOT", "abc", "-1"),
                List.of("CLUSTER", "GETKEYSINSLOT", "99999", "abc"),
                List.of("CLUSTER", "GETKEYSINSLOT", "0", "0"),
                List.of("CLUSTER", "SETSLOT", "16384", "STABLE"),
                List.of("CLUSTER", "SETSLOT", "abc", "STABLE"),
                List.of("CLUSTER", "SETSLOT", "0", "SIDEWAYS"),
                List.of("CLUSTER", "SETSLOT", "0", "STABLE", "extra"),
                List.of("CLUSTER", "SETSLOT", "0", "NODE"),
                List.of("CLUSTER", "SETSLOT", "0"),
                List.of("CLUSTER", "SETSLOT", "0", "MIGRATING", unknown),
                List.of("CLUSTER", "SETSLOT", "0", "IMPORTING", unknown),
                List.of("CLUSTER", "NOSUCHTHING"),
                List.of("SELECT", "1"),
                List.of("SELECT", "0"),
                List.of("READONLY"),
                List.of("READWRITE"),
                List.of("ASKING"),
                List.of("RENAME", "{a}1", "{b}2"),
                List.of("MULTI"),
                List.of("EXISTS", "{a}1", "{b}2"),
                List.of("EXEC"));
        List<String> redmap;
        try (RawClient client = new RawClient(cluster.shardOf(0).masterPort())) {
            redmap = RealRedisClusterNode.run(client, script);
        }
        List<String> redis;
        try (RealRedisClusterNode real = RealRedisClusterNode.start(); RawClient client = new RawClient(real.port())) {
            redis = RealRedisClusterNode.run(client, script);
        }
        for (int i = 0; i < script.size(); i++) {
            assertThat(redmap.get(i)).as("reply to %s", script.get(i)).isEqualTo(redis.get(i));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static void assertRedisCliCheckPasses(int port) throws IOException, InterruptedException {
        Process check = new ProcessBuilder("redis-cli", "--cluster", "check", "127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("redis-cli --cluster check 127.0.0.1:%d exit code; output:\n%s", port, output).isZero();
        assertThat(output).contains("[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.")
                .doesNotContain("[ERR]", "[WARNING]");
    }

    private static String myId(int port) {
        return bulkText(cluster.call(port, "CLUSTER", "MYID"));
    }

    private static List<String> nodeLines(int port) {
        return bulkText(cluster.call(port, "CLUSTER", "NODES")).lines().toList();
    }

    private static String myselfLine(int port) {
        return nodeLines(port).stream().filter(line -> line.contains(" myself,")).findFirst().orElseThrow();
    }

    /** What a node says each master serves (CLUSTER NODES): master id -> slots as listed. */
    private static Map<String, String> slotsByMaster(int port) {
        Map<String, String> slots = new TreeMap<>();
        for (String line : nodeLines(port)) {
            Matcher node = NODE_LINE.matcher(line);
            if (node.matches() && node.group(5).equals("master")) {
                slots.put(node.group(1), node.group(8).strip());
            }
        }
        return slots;
    }

    private static Shard shardOfPort(int port) {
        return cluster.shards().stream().filter(shard -> shard.masterPort() == port || shard.replicaPort() == port)
                .findFirst().orElseThrow();
    }

    /** A slot of the shard, {@code offset} into its range, with no key on its master (asserted). */
    private static int emptySlotOf(Shard shard, int offset) {
        int slot = shard.firstSlot() + offset;
        assertThat(cluster.call(shard.masterPort(), "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)))
                .as("slot %d is empty", slot).isEqualTo(":0\r\n");
        return slot;
    }

    /** The middle slot of a shard's range. */
    private static int slotOf(Shard shard) {
        return (shard.firstSlot() + shard.lastSlot()) / 2;
    }

    /** A key no other test uses, in {@code slot} (a hash tag that hashes there). */
    private static synchronized String keyInSlot(int slot, String prefix) {
        for (int i = 0; ; i++) {
            String tag = "t" + i;
            if (SlotHash.slot(tag.getBytes(StandardCharsets.UTF_8)) == slot) {
                return prefix + ":{" + tag + "}:" + keyCounter++;
            }
        }
    }

    /** A hash tag (no braces) of a slot the shard serves, not used before. */
    private static synchronized String tagOfShard(Shard shard) {
        for (int i = 0; ; i++) {
            String tag = "tag" + keyCounter + "-" + i;
            if (shard.has(SlotHash.slot(tag.getBytes(StandardCharsets.UTF_8)))) {
                keyCounter++;
                return tag;
            }
        }
    }

    private static String bulk(String text) {
        return "$" + text.getBytes(StandardCharsets.UTF_8).length + "\r\n" + text + "\r\n";
    }

    /** The text of a bulk string reply; fails on anything else. */
    private static String bulkText(String reply) {
        assertThat(reply).startsWith("$");
        String body = reply.substring(reply.indexOf("\r\n") + 2);
        return body.substring(0, body.length() - 2);
    }
}

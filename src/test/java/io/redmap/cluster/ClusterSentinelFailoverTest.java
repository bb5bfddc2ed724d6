package io.redmap.cluster;

import io.redmap.testing.LoopbackCluster;
import io.redmap.testing.Poll;
import io.redmap.testing.SentinelProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shard's failover is Sentinel's (redis-sentinel, unmodified): kill -9 a shard's master, and once
 * Sentinel has promoted its replica, every node names the new master in CLUSTER SLOTS, cluster
 * clients go on reading and writing, and the old master, restarted, follows the new one.
 */
class ClusterSentinelFailoverTest {
    private enum Array implements ProtocolCommand {
        MMAP, VADD, VCOUNT;

        @Override
        public byte[] getRaw() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    @TempDir
    Path dir;
    private SentinelProcess sentinel;
    private LoopbackCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void killingAShardsMasterMovesItsSlotsToThePromotedReplicaOnEveryNode() {
        // Sentinel first, watching the three masters-to-be; then the nodes, told where it is.
        int[] masterPorts = LoopbackCluster.freePorts(3);
        List<String> lines = new ArrayList<>();
        for (int shard = 0; shard < 3; shard++) {
            String name = LoopbackCluster.shardName(shard);
            lines.addAll(List.of("sentinel monitor " + name + " 127.0.0.1 " + masterPorts[shard] + " 1",
                    "sentinel down-after-milliseconds " + name + " 2000",
                    "sentinel failover-timeout " + name + " 10000"));
        }
        sentinel = SentinelProcess.startWithConfig("a", lines);
        cluster = LoopbackCluster.start(dir, 3, masterPorts, "cluster-sentinel 127.0.0.1:" + sentinel.port());
        for (int shard = 0; shard < 3; shard++) {
            String name = LoopbackCluster.shardName(shard);
            Poll.until(Duration.ofSeconds(30), "Sentinel knowing shard " + name + "'s replica",
                    () -> sentinel.query(jedis -> jedis.sentinelReplicas(name)), replicas -> replicas.size() == 1
                            && !replicas.getFirst().get("flags").contains("down"), sentinel::log);
        }
        String key = "{a}log"; // whichever shard serves it fails over
        int slot = SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
        int shard = slot * 3 / 16384;
        int master = shard;
        int replica = 3 + shard;
        try (JedisCluster client = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.port(0))))) {
            client.sendCommand(key, Array.MMAP, key, "log.bin", "double", "WRITABLE");
            client.sendCommand(key, Array.VADD, key, "1", "2", "3");
            // Acknowledged by the replica too, so that the failover cannot lose them.
            assertThat(cluster.client(master).waitReplicas(1, 5000)).isEqualTo(1);

            cluster.node(master).kill();
            String name = LoopbackCluster.shardName(shard);
            Poll.until(Duration.ofSeconds(60), "Sentinel promoting shard " + name + "'s replica",
                    () -> sentinel.query(jedis -> jedis.sentinelGetMasterAddrByName(name)),
                    address -> address.get(1).equals(Integer.toString(cluster.port(replica))), sentinel::log);

            for (int node = 0; node < cluster.size(); node++) {
                if (node == master) {
                    continue;
                }
                int asked = node;
                Poll.until(Duration.ofSeconds(20), "node " + node + " naming the new master of slot " + slot,
                        () -> cluster.query(asked, jedis -> masterPortOf(jedis, slot)), port -> port == cluster.port(replica),
                        () -> cluster.query(asked, Jedis::clusterNodes));
            }
            // The client finds the new master by itself (CLUSTER SLOTS again after the lost connection).
            Poll.until(Duration.ofSeconds(30), "a write through JedisCluster after the failover",
                    () -> client.sendCommand(key, Array.VADD, key, "4"), reply -> reply instanceof Long, () -> "");
            assertThat(client.sendCommand(key, Array.VCOUNT, key)).isEqualTo(4L);
        }

        // The old master comes back as a replica of the new one, by asking Sentinel at start.
        cluster.restart(master);
        cluster.awaitReplicaInSync(master);
        Map<String, String> replication = parse(cluster.query(master, jedis -> jedis.info("replication")));
        assertThat(replication).containsEntry("role", "slave").containsEntry("master_port",
                Integer.toString(cluster.port(replica)));
        assertThat(cluster.query(master, Jedis::clusterNodes)).contains("myself,slave");
        int newMasterPort = cluster.query(master, jedis -> masterPortOf(jedis, slot));
        assertThat(newMasterPort).isEqualTo(cluster.port(replica));
    }

    private static int masterPortOf(Jedis jedis, int slot) {
        for (Object range : jedis.clusterSlots()) {
            List<?> fields = (List<?>) range;
            if ((Long) fields.get(0) <= slot && slot <= (Long) fields.get(1)) {
                return ((Long) ((List<?>) fields.get(2)).get(1)).intValue();
            }
        }
        throw new AssertionError("slot " + slot + " in no range");
    }

    private static Map<String, String> parse(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }
}

package io.redmap.cluster;

import io.redmap.testing.ClusterProcesses;
import io.redmap.testing.Poll;
import io.redmap.testing.SentinelProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.IOException;
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

    private SentinelProcess sentinel;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void killingAShardsMasterMovesItsSlotsToThePromotedReplicaOnEveryNode() throws IOException {
        // The nodes are told where the Sentinel will be; it starts once they run, watching the three shards.
        int sentinelPort = ClusterProcesses.freePorts(1).getFirst();
        cluster = ClusterProcesses.of(3, "cluster-sentinel 127.0.0.1:" + sentinelPort).started();
        List<String> lines = new ArrayList<>();
        for (ClusterProcesses.Shard shard : cluster.shards()) {
            lines.addAll(List.of("sentinel monitor " + shard.name() + " 127.0.0.1 " + shard.masterPort() + " 1",
                    "sentinel down-after-milliseconds " + shard.name() + " 2000",
                    "sentinel failover-timeout " + shard.name() + " 10000"));
        }
        sentinel = SentinelProcess.startWithConfig("a", lines, sentinelPort);
        for (ClusterProcesses.Shard shard : cluster.shards()) {
            String name = shard.name();
            Poll.until(Duration.ofSeconds(30), "Sentinel knowing shard " + name + "'s replica",
                    () -> sentinel.query(jedis -> jedis.sentinelReplicas(name)), replicas -> replicas.size() == 1
                            && !replicas.getFirst().get("flags").contains("down"), sentinel::log);
        }
        String key = "{a}log"; // whichever shard serves it fails over
        int slot = SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
        ClusterProcesses.Shard shard = cluster.shardOf(slot);
        int master = shard.masterPort();
        int replica = shard.replicaPort();
        try (JedisCluster client = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.ports().getFirst())))) {
            client.sendCommand(key, Array.MMAP, key, "log.bin", "double", "WRITABLE");
            client.sendCommand(key, Array.VADD, key, "1", "2", "3");
            // Acknowledged by the replica too, so that the failover cannot lose them.
            long acknowledgedBy = cluster.query(master, jedis -> jedis.waitReplicas(1, 5000));
            assertThat(acknowledgedBy).isEqualTo(1);

            cluster.node(master).kill();
            String name = shard.name();
            Poll.until(Duration.ofSeconds(60), "Sentinel promoting shard " + name + "'s replica",
                    () -> sentinel.query(jedis -> jedis.sentinelGetMasterAddrByName(name)),
                    address -> address.get(1).equals(Integer.toString(replica)), sentinel::log);

            for (int node : cluster.ports()) {
                if (node == master) {
                    continue;
                }
                Poll.until(Duration.ofSeconds(20), "node " + node + " naming the new master of slot " + slot,
                        () -> cluster.masterPortOf(node, slot), port -> port == replica,
                        () -> cluster.query(node, Jedis::clusterNodes));
            }
            // The client finds the new master by itself (CLUSTER SLOTS again after the lost connection).
            Poll.until(Duration.ofSeconds(30), "a write through JedisCluster after the failover",
                    () -> client.sendCommand(key, Array.VADD, key, "4"), reply -> reply instanceof Long, () -> "");
            assertThat(client.sendCommand(key, Array.VCOUNT, key)).isEqualTo(4L);
        }
        // Sentinel rewrote the promoted node's config (CONFIG REWRITE): the topology stays in the
        // included file, so that the node starts again.
        List<String> config = Files.readAllLines(cluster.dir(replica).resolve("redmap.conf"));
        assertThat(config).contains("include ../topology.conf").noneMatch(line -> line.startsWith("cluster-shard"));

        // The old master comes back as a replica of the new one, by asking Sentinel at start.
        cluster.restart(master);
        cluster.awaitLinkUp(master);
        Map<String, String> replication = parse(cluster.query(master, jedis -> jedis.info("replication")));
        assertThat(replication).containsEntry("role", "slave").containsEntry("master_port", Integer.toString(replica));
        assertThat(cluster.query(master, Jedis::clusterNodes)).contains("myself,slave");
        int newMasterPort = cluster.masterPortOf(master, slot);
        assertThat(newMasterPort).isEqualTo(replica);
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

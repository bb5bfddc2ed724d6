package io.redmap.client;

import io.redmap.client.testing.Cluster;
import io.redmap.client.testing.RedmapServer;
import io.redmap.client.testing.Sentinel;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same client over the other UnifiedJedis kinds: a JedisSentineled that finds the master
 * through a real redis-sentinel, and a JedisCluster over a declared-topology redmap cluster,
 * where every command must reach the shard of its key.
 */
class SentinelAndClusterTest {
    @Test
    void jedisSentineledFindsTheMasterThroughSentinel() {
        try (RedmapServer master = RedmapServer.start();
                Sentinel sentinel = Sentinel.start("arrays", master.port());
                JedisSentineled jedis = new JedisSentineled("arrays", DefaultJedisClientConfig.builder().build(),
                        Set.of(sentinel.address()), DefaultJedisClientConfig.builder().build())) {
            assertThat(jedis.getCurrentMaster().getPort()).isEqualTo(master.port());
            RedmapClient redmap = new RedmapClient(jedis);
            redmap.mmap("emb", "emb.f4", ElementType.FLOAT, true, 3);
            float[][] rows = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
            assertThat(redmap.floatRows().append("emb", rows)).isEqualTo(3);
            assertThat(redmap.floatRows().gather("emb", 2, 0)).isDeepEqualTo(new float[][] {rows[2], rows[0]});
            assertThat(redmap.floats().read("emb", 1, 1)).containsExactly(4, 5, 6);
            try (Jedis direct = master.jedis()) {
                assertThat(direct.exists("emb")).isTrue();
            }
        }
    }

    @Test
    void jedisClusterRoutesEveryCommandByItsKey() {
        try (Cluster cluster = Cluster.start(2); JedisCluster jedis = new JedisCluster(cluster.seeds())) {
            RedmapClient redmap = new RedmapClient(jedis);
            // Keys until both shards hold some: each command must reach the node of its key's slot.
            List<String> keys = new ArrayList<>();
            Set<RedmapServer> reached = new HashSet<>();
            for (int i = 0; reached.size() < 2 || keys.size() < 6; i++) {
                String key = "sensor:" + i;
                keys.add(key);
                reached.add(cluster.nodeOf(JedisClusterCRC16.getSlot(key)));
            }
            for (int k = 0; k < keys.size(); k++) {
                String key = keys.get(k);
                assertThat(redmap.mmap(key, key.replace(':', '-') + ".f8", ElementType.DOUBLE, true, 2)).isZero();
                assertThat(redmap.doubles().append(key, new double[] {k, k + 0.5, -k, 7})).isEqualTo(2);
                assertThat(redmap.doubleRows().write(key, 1, new double[][] {{k, k}})).isEqualTo(1);
            }
            for (int k = 0; k < keys.size(); k++) {
                String key = keys.get(k);
                assertThat(redmap.doubleRows().gather(key, 1, 0)).isDeepEqualTo(new double[][] {{k, k}, {k, k + 0.5}});
                assertThat(redmap.doubles().read(key)).containsExactly(k, k + 0.5, k, k);
                assertThat(redmap.shape(key)).containsExactly(2, 2);
                RedmapServer owner = cluster.nodeOf(JedisClusterCRC16.getSlot(key));
                for (RedmapServer node : cluster.nodes()) {
                    try (Jedis direct = node.jedis()) {
                        if (node == owner) {
                            assertThat(direct.exists(key)).as("%s on its own shard", key).isTrue();
                        } else {
                            // The other shard neither holds the key nor serves it.
                            assertThatThrownBy(() -> direct.exists(key)).isInstanceOf(JedisDataException.class)
                                    .hasMessageStartingWith("MOVED " + JedisClusterCRC16.getSlot(key) + " ");
                        }
                    }
                }
            }
            // Sent straight to the key's shard: no node had to answer -MOVED to any of them, and both served some.
            for (RedmapServer node : cluster.nodes()) {
                for (String command : List.of("mmap", "vtype", "vshape", "vwrite", "vread", "vmread")) {
                    assertThat(node.rejectedCalls(command)).as("%s refused by the node on port %d", command, node.port())
                            .isZero();
                }
                assertThat(node.calls("vmread")).as("gathers served by the node on port %d", node.port()).isPositive();
            }
        }
    }
}

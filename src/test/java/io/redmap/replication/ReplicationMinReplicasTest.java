package io.redmap.replication;

import io.redmap.testing.RealRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "min-replicas-to-write / min-replicas-max-lag refuse writes with -NOREPLICAS as Redis
 * does". Without enough good replicas a write is refused with Redis's text (compared with a real
 * redis-server), reads go on, and INFO replication shows {@code min_slaves_good_slaves}; with a
 * replica attached, writes succeed; when it goes, they are refused again.
 */
class ReplicationMinReplicasTest {
    private static final String NOREPLICAS = "-NOREPLICAS Not enough good replicas to write.";

    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @Test
    void withoutAReplicaWritesGetRedissErrorAndReadsWork() {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", "1.5");
        try (RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            real.set("k", "1.5");
            assertThat(master.call("CONFIG", "SET", "min-replicas-to-write", "1")).isEqualTo("OK");
            assertThat(real.configSet("min-replicas-to-write", "1")).isEqualTo("OK");

            assertThat(Node.reply(real, "SET", "k", "2")).isEqualTo(NOREPLICAS);
            for (List<Object> write : List.of(List.<Object>of("VSET", "k", 0, 2), List.<Object>of("VADD", "k", 3),
                    List.<Object>of("MMAP", "new", "new.f8", "double", "WRITABLE"), List.<Object>of("DEL", "k"))) {
                assertThat(master.reply((String) write.getFirst(), write.subList(1, write.size()).toArray()))
                        .as("%s", write).isEqualTo(NOREPLICAS);
            }
            assertThat(master.call("VGET", "k", 0)).isEqualTo("1.5");
            assertThat(master.call("VCOUNT", "k")).isEqualTo(1L);
            assertThat(real.get("k")).isEqualTo("1.5");

            // In a transaction, as Redis: refused when queued, and EXEC aborts.
            List<Object> ours = List.of(master.reply("MULTI"), master.reply("VSET", "k", 0, 2), master.reply("EXEC"));
            List<Object> theirs = List.of(Node.reply(real, "MULTI"), Node.reply(real, "SET", "k", "2"), Node.reply(real, "EXEC"));
            assertThat(ours).isEqualTo(theirs);

            Map<String, String> info = master.info("replication");
            assertThat(info).containsEntry("min_slaves_good_slaves", "0");
            assertThat(List.copyOf(info.keySet()))
                    .isEqualTo(List.copyOf(Node.parseInfo(real.info("replication")).keySet()));
        }
    }

    @Test
    void aReplicaAttachedLetsWritesThroughAndItsLossStopsThemAgain() {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        assertThat(master.call("CONFIG", "SET", "min-replicas-to-write", "1")).isEqualTo("OK");
        assertThat(master.reply("VADD", "k", 1)).isEqualTo(NOREPLICAS);

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.await("one good replica", () -> master.info("replication", "min_slaves_good_slaves"), "1"::equals);
        assertThat(master.call("VADD", "k", 1, 2)).isEqualTo(2L);
        assertThat(master.call("VSET", "k", 0, 5)).isEqualTo(1L);
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        assertSameData(master, replica);

        replica.kill();
        nodes.await("writes refused once the replica is gone", () -> master.reply("VSET", "k", 0, 6), NOREPLICAS::equals);
        assertThat(master.info("replication", "min_slaves_good_slaves")).isEqualTo("0");
        assertThat(master.call("VGET", "k", 0)).isEqualTo("5");

        assertThat(master.call("CONFIG", "SET", "min-replicas-to-write", "0")).isEqualTo("OK");
        assertThat(master.call("VSET", "k", 0, 7)).isEqualTo(1L);
        assertThat(master.info("replication")).doesNotContainKey("min_slaves_good_slaves");
    }

    @Test
    void aReplicaThatStopsAcknowledgingForLongerThanTheMaxLagNoLongerCounts() {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        assertThat(master.call("CONFIG", "SET", "min-replicas-max-lag", "2")).isEqualTo("OK");
        assertThat(master.call("CONFIG", "SET", "min-replicas-to-write", "1")).isEqualTo("OK");
        assertThat(master.call("VADD", "k", 1)).isEqualTo(1L);

        replica.signal("STOP");
        try {
            nodes.await("writes refused once the stopped replica lags", () -> master.reply("VADD", "k", 2), NOREPLICAS::equals);
            assertThat(master.info("replication", "min_slaves_good_slaves")).isEqualTo("0");
        } finally {
            replica.signal("CONT");
        }
        nodes.await("writes accepted again once it acknowledges", () -> master.reply("VADD", "k", 3), reply -> reply.equals(1L));
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        assertSameData(master, replica);
    }
}

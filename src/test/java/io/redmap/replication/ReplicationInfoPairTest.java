package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "ROLE and INFO replication in Redis's formats". A redmap master and replica side by side
 * with a real Redis master and replica (redis-server 7.0): the same INFO replication field names in
 * the same order on each side (values differ), the same {@code slaveN} line keys, the same ROLE
 * reply shapes, the same sync counters in INFO stats; and for a replica whose master is gone.
 */
class ReplicationInfoPairTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    private Node master;
    private Node replica;

    private RealPair startBothPairs() {
        RealPair real = RealPair.start(nodes);
        master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1);
        replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        real.masterClient.set("k", "1");
        assertThat(Node.call(real.masterClient, "WAIT", 1, 5000)).isEqualTo(1L);
        return real;
    }

    @Test
    void infoReplicationOfAMasterWithAReplicaHasRedissFieldsInRedissOrder() {
        RealPair real = startBothPairs();
        Map<String, String> ours = master.info("replication");
        Map<String, String> theirs = real.masterInfo();
        assertThat(List.copyOf(ours.keySet())).isEqualTo(List.copyOf(theirs.keySet()));
        assertThat(ours).containsEntry("role", "master").containsEntry("connected_slaves", "1");
        assertThat(keys(ours.get("slave0"))).isEqualTo(keys(theirs.get("slave0")));
        assertThat(ours.get("slave0")).matches("ip=127\\.0\\.0\\.1,port=" + replica.port() + ",state=online,offset=\\d+,lag=\\d+");
    }

    @Test
    void infoReplicationOfAReplicaHasRedissFieldsInRedissOrder() {
        RealPair real = startBothPairs();
        Map<String, String> ours = replica.info("replication");
        Map<String, String> theirs = real.replicaInfo();
        assertThat(List.copyOf(ours.keySet())).isEqualTo(List.copyOf(theirs.keySet()));
        assertThat(ours).containsEntry("role", "slave").containsEntry("master_host", "127.0.0.1")
                .containsEntry("master_port", Integer.toString(master.port())).containsEntry("master_link_status", "up")
                .containsEntry("master_sync_in_progress", "0").containsEntry("slave_read_only", "1")
                .containsEntry("master_replid", master.info("replication", "master_replid"));
    }

    @Test
    void roleRepliesHaveRedissShape() {
        RealPair real = startBothPairs();
        assertThat(shape(raw(master.jedis(), "ROLE"))).isEqualTo(shape(raw(real.masterClient, "ROLE")))
                .isEqualTo(List.of("bulk", "integer", List.of(List.of("bulk", "bulk", "bulk"))));
        assertThat(shape(raw(replica.jedis(), "ROLE"))).isEqualTo(shape(raw(real.replicaClient, "ROLE")))
                .isEqualTo(List.of("bulk", "bulk", "integer", "bulk", "integer"));
        assertThat(((List<?>) replica.call("ROLE")).get(3)).isEqualTo(((List<?>) Node.plain(raw(real.replicaClient, "ROLE"))).get(3));
    }

    @Test
    void syncCountersInInfoStatsAreRediss() {
        // Both replicas attached the same way, by REPLICAOF at run time: a server that was a master
        // offers its own history first (PSYNC id offset), which its new master counts as a partial
        // resync refused; one started with --replicaof asks PSYNC ? -1 (ReplicationPartialResyncTest).
        RealPair real = RealPair.start(nodes);
        master = nodes.start("master", masterDir);
        replica = nodes.start("replica", replicaDir);
        replica.call("REPLICAOF", "127.0.0.1", master.port());
        nodes.awaitLinkUp(replica);
        Map<String, String> ours = master.info("stats");
        Map<String, String> theirs = Node.parseInfo(real.masterClient.info("stats"));
        for (String field : List.of("sync_full", "sync_partial_ok", "sync_partial_err")) {
            assertThat(ours.get(field)).as(field).isEqualTo(theirs.get(field));
        }
    }

    @Test
    void aReplicaWhoseMasterIsGoneSaysSoAsRedisDoes() {
        RealPair real = startBothPairs();
        master.kill();
        real.master.close();
        nodes.await("the redmap replica's link to be down", () -> replica.info("replication", "master_link_status"), "down"::equals);
        nodes.await("the real replica's link to be down", () -> real.replicaInfo().get("master_link_status"), "down"::equals);

        Map<String, String> ours = replica.info("replication");
        Map<String, String> theirs = real.replicaInfo();
        assertThat(List.copyOf(ours.keySet())).isEqualTo(List.copyOf(theirs.keySet()));
        assertThat(ours).containsKey("master_link_down_since_seconds").containsEntry("master_last_io_seconds_ago", "-1");
        assertThat(Long.parseLong(ours.get("master_link_down_since_seconds"))).isNotNegative();
        assertThat(shape(raw(replica.jedis(), "ROLE"))).isEqualTo(shape(raw(real.replicaClient, "ROLE")));
        List<?> role = (List<?>) replica.call("ROLE");
        assertThat(role.get(3)).isIn("connect", "connecting");
        assertThat(role.get(4)).isEqualTo(-1L);
    }

    private static Object raw(Jedis jedis, String command) {
        return jedis.sendCommand(Protocol.Command.valueOf(command));
    }

    /** A reply's shape: "bulk", "integer", "nil", or the list of its elements' shapes. */
    private static Object shape(Object reply) {
        return switch (reply) {
            case null -> "nil";
            case byte[] ignored -> "bulk";
            case Long ignored -> "integer";
            case List<?> list -> {
                List<Object> shapes = new ArrayList<>();
                for (Object item : list) {
                    shapes.add(shape(item));
                }
                yield shapes;
            }
            default -> reply.getClass().getSimpleName();
        };
    }

    /** The keys of a {@code slaveN} value: {@code ip=...,port=...} gives [ip, port, ...]. */
    private static List<String> keys(String value) {
        return Arrays.stream(value.split(",")).map(pair -> pair.substring(0, pair.indexOf('='))).toList();
    }
}

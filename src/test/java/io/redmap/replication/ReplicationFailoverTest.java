package io.redmap.replication;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F, failover by hand, as Sentinel does it: {@code REPLICAOF NO ONE} on one replica, then
 * {@code REPLICAOF} it on the other replica and on the old master. "So do the other replicas after
 * a failover (PSYNC2)": both continue with a partial resync, the promoted replica keeps the old
 * history as {@code master_replid2}, writes on the new master reach both, ROLE has Redis's shape
 * on every node. And back again (failback), with writes in several databases.
 */
class ReplicationFailoverTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path oldMasterDir;

    @TempDir
    Path aDir;

    @TempDir
    Path bDir;

    private Node oldMaster;
    private Node a;
    private Node b;

    @BeforeEach
    void startMasterAndTwoReplicas() {
        oldMaster = nodes.start("old-master", oldMasterDir);
        oldMaster.in(0, "MMAP", "prices", "prices.f8", "double", "WRITABLE");
        oldMaster.call("VADD", "prices", "1.5", "2.5");
        oldMaster.in(3, "MMAP", "counts", "counts.i4", "int32", "WRITABLE");
        oldMaster.call("VADD", "counts", 1, 2, 3);
        a = nodes.replica("a", oldMaster, aDir);
        b = nodes.replica("b", oldMaster, bDir);
        nodes.awaitAcknowledged(oldMaster, 2);
        // The old master's last write is in database 3.
        oldMaster.in(3, "VSET", "counts", 0, 100);
        nodes.awaitAcknowledged(oldMaster, 2);
    }

    /** Promotes a, points b and the old master at it, and checks the partial resyncs. */
    private void failOverToA() {
        Map<String, String> before = oldMaster.info("replication");
        assertThat(a.call("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
        Map<String, String> promoted = a.info("replication");
        // As Redis: the old history is valid up to the offset of the promotion, plus one.
        assertThat(promoted).containsEntry("role", "master")
                .containsEntry("master_replid2", before.get("master_replid"))
                .containsEntry("second_repl_offset", Long.toString(Long.parseLong(promoted.get("master_repl_offset")) + 1));
        assertThat(Long.parseLong(promoted.get("master_repl_offset")))
                .isGreaterThanOrEqualTo(Long.parseLong(before.get("master_repl_offset")));
        assertThat(promoted.get("master_replid")).isNotEqualTo(before.get("master_replid"));

        assertThat(b.replicaOf(a)).isEqualTo("OK");
        assertThat(oldMaster.replicaOf(a)).isEqualTo("OK");
        nodes.awaitLinkUp(b);
        nodes.awaitLinkUp(oldMaster);
        nodes.await("two partial resyncs accepted by a", () -> a.stat("sync_partial_ok") == 2);
        assertThat(a.stat("sync_full")).as("full syncs served by a").isZero();
    }

    @Test
    void theOtherNodesFollowThePromotedReplicaWithPartialResyncs() {
        failOverToA();

        a.in(0, "VADD", "prices", "3.5");
        a.in(3, "VSET", "counts", 1, 200);
        a.in(5, "MMAP", "fresh", "fresh.u2", "uint16", "WRITABLE");
        a.call("VADD", "fresh", 65535, 1);
        assertThat(a.call("WAIT", 2, 5000)).isEqualTo(2L);
        assertSameData(a, b);
        assertSameData(a, oldMaster);
        assertThat(b.in(3, "VALL", "counts")).isEqualTo(List.of(100L, 200L, 3L));
        assertThat(oldMaster.info("replication")).containsEntry("role", "slave")
                .containsEntry("master_port", Integer.toString(a.port())).containsEntry("master_link_status", "up");

        assertMasterRole(a, Set.of(Integer.toString(b.port()), Integer.toString(oldMaster.port())));
        assertReplicaRole(b, a);
        assertReplicaRole(oldMaster, a);
        assertThat(b.error("VSET", "prices", 0, 1)).isEqualTo("READONLY You can't write against a read only replica.");
        assertThat(oldMaster.error("VSET", "prices", 0, 1)).isEqualTo("READONLY You can't write against a read only replica.");
    }

    @Test
    void failingBackToTheOldMasterKeepsEveryDatabaseStraight() {
        failOverToA();
        a.in(0, "VADD", "prices", "3.5");
        a.in(5, "MMAP", "fresh", "fresh.u2", "uint16", "WRITABLE");
        nodes.awaitAcknowledged(a, 2);

        assertThat(oldMaster.call("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
        assertThat(a.replicaOf(oldMaster)).isEqualTo("OK");
        assertThat(b.replicaOf(oldMaster)).isEqualTo("OK");
        nodes.awaitLinkUp(a);
        nodes.awaitLinkUp(b);
        nodes.await("two partial resyncs accepted by the old master", () -> oldMaster.stat("sync_partial_ok") == 2);

        // Database 3 was the old master's last one before the failover; a's was 5.
        oldMaster.in(3, "VSET", "counts", 2, 300);
        oldMaster.in(5, "VADD", "fresh", 5);
        oldMaster.in(0, "VADD", "prices", "4.5");
        assertThat(oldMaster.call("WAIT", 2, 5000)).isEqualTo(2L);
        assertSameData(oldMaster, a);
        assertSameData(oldMaster, b);
        assertThat(a.in(3, "VALL", "counts")).isEqualTo(List.of(100L, 2L, 300L));
    }

    /** ROLE of a master: "master", its offset, and one [ip, port, offset] per online replica (strings), as Redis. */
    private static void assertMasterRole(Node master, Set<String> replicaPorts) {
        List<?> role = (List<?>) master.call("ROLE");
        assertThat(role).hasSize(3);
        assertThat(role.get(0)).isEqualTo("master");
        assertThat(role.get(1)).isInstanceOf(Long.class);
        List<?> replicas = (List<?>) role.get(2);
        for (Object replica : replicas) {
            assertThat((List<?>) replica).hasSize(3).allMatch(String.class::isInstance);
            assertThat(((List<?>) replica).get(0)).isEqualTo("127.0.0.1");
        }
        assertThat(replicas.stream().map(replica -> (String) ((List<?>) replica).get(1)).collect(Collectors.toSet()))
                .isEqualTo(replicaPorts);
    }

    /** ROLE of a replica: "slave", master host, master port (integer), "connected", offset (integer). */
    private static void assertReplicaRole(Node replica, Node master) {
        @SuppressWarnings("unchecked")
        List<Object> role = (List<Object>) replica.call("ROLE");
        assertThat(role).hasSize(5);
        assertThat(role.subList(0, 4)).containsExactly("slave", "127.0.0.1", (long) master.port(), "connected");
        assertThat(role.get(4)).isInstanceOf(Long.class);
    }
}

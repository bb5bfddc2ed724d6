package io.redmap.replication;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "a replica that reconnects within the backlog (repl-backlog-size) continues with a
 * partial resync (PSYNC replid offset) ... and a replica restarted after a clean shutdown (it
 * keeps its replication id and offset on disk)". The master's INFO stats count it:
 * {@code sync_partial_ok} goes up and {@code sync_full} does not; beyond the backlog, a full sync.
 * Writes made while the replica is away, in several databases, reach it in the right database.
 */
class ReplicationPartialResyncTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    private Node master;
    private Node replica;

    @BeforeEach
    void startMasterAndReplica() {
        master = nodes.start("master", masterDir);
        master.in(2, "MMAP", "k", "k.i4", "int32", "WRITABLE");
        master.call("VADD", "k", 1, 2, 3);
        master.in(0, "MMAP", "z", "z.f8", "double", "WRITABLE");
        master.call("VADD", "z", "0.5");
        replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        // The stream's last command ran in database 2.
        master.in(2, "VADD", "k", 4);
        nodes.awaitAcknowledged(master, 1);
    }

    /** Writes while the replica is away: database 2 first (the stream's current one), then 0, then 2 again. */
    private void writeMeanwhile() {
        master.in(2, "VADD", "k", 5);
        master.call("VSET", "k", 0, 10);
        master.in(0, "MMAP", "fresh", "fresh.u1", "uint8", "WRITABLE");
        master.call("VADD", "fresh", 1, 2, 3);
        master.call("VINCRBYFLOAT", "z", 0, "0.25");
        master.in(2, "VADD", "k", 6);
    }

    private void assertConverged() {
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
        assertThat(replica.in(2, "VALL", "k")).isEqualTo(List.of(10L, 2L, 3L, 4L, 5L, 6L));
    }

    @Test
    void clientKillTypeReplicaOnTheMasterIsFollowedByAPartialResync() {
        long full = master.stat("sync_full");
        long partial = master.stat("sync_partial_ok");

        assertThat(master.call("CLIENT", "KILL", "TYPE", "replica")).isEqualTo(1L);
        writeMeanwhile();

        nodes.await("a partial resync accepted by the master", () -> master.stat("sync_partial_ok") == partial + 1);
        assertConverged();
        assertThat(master.stat("sync_full")).as("sync_full").isEqualTo(full);
        replica.awaitLog("Successful partial resynchronization with master.");
    }

    @Test
    void clientKillTypeMasterOnTheReplicaIsFollowedByAPartialResync() {
        long full = master.stat("sync_full");
        long partial = master.stat("sync_partial_ok");

        assertThat(replica.call("CLIENT", "KILL", "TYPE", "master")).isEqualTo(1L);
        writeMeanwhile();

        nodes.await("a partial resync accepted by the master", () -> master.stat("sync_partial_ok") == partial + 1);
        assertConverged();
        assertThat(master.stat("sync_full")).as("sync_full").isEqualTo(full);
    }

    @Test
    void aReplicaThatFollowsAnotherServerAndComesBackWithinTheBacklogContinues() {
        long full = master.stat("sync_full");
        long partial = master.stat("sync_partial_ok");

        assertThat(replica.call("REPLICAOF", "127.0.0.1", Nodes.freePort())).isEqualTo("OK");
        writeMeanwhile();
        assertThat(replica.replicaOf(master)).isEqualTo("OK");

        nodes.await("a partial resync accepted by the master", () -> master.stat("sync_partial_ok") == partial + 1);
        assertConverged();
        assertThat(master.stat("sync_full")).as("sync_full").isEqualTo(full);
    }

    @Test
    void aReplicaThatMissedMoreThanTheBacklogDoesAFullSync() {
        assertThat(master.call("CONFIG", "SET", "repl-backlog-size", "16384")).isEqualTo("OK");
        long full = master.stat("sync_full");
        long refused = master.stat("sync_partial_err");

        assertThat(replica.call("REPLICAOF", "127.0.0.1", Nodes.freePort())).isEqualTo("OK");
        writeMeanwhile();
        master.in(0, "MMAP", "blob", "blob.u1", "uint8", "WRITABLE");
        master.call("VWRITE", "blob", 0, new byte[100_000]);
        master.call("VSET", "blob", 99_999, 7);
        assertThat(replica.replicaOf(master)).isEqualTo("OK");

        nodes.await("a full sync", () -> master.stat("sync_full") == full + 1);
        assertConverged();
        assertThat(master.stat("sync_partial_err")).as("sync_partial_err").isEqualTo(refused + 1);
        // The reason, in Redis's words, for the operator who wonders why a replica synced whole.
        master.awaitLog("Unable to partial resync with replica 127.0.0.1:" + replica.port() + " for lack of backlog");
    }

    @Test
    void aReplicaRestartedAfterACleanShutdownContinuesWithAPartialResync() {
        long full = master.stat("sync_full");
        long partial = master.stat("sync_partial_ok");

        assertThat(replica.terminate()).isIn(0, 143);
        writeMeanwhile();
        replica.restart();

        nodes.awaitLinkUp(replica);
        assertConverged();
        assertThat(master.stat("sync_partial_ok")).as("sync_partial_ok").isEqualTo(partial + 1);
        assertThat(master.stat("sync_full")).as("sync_full").isEqualTo(full);
    }

    @Test
    void aNewReplicasFirstSyncIsAFullSyncNotARefusedPartialOne() {
        // As Redis counts it: a replica with no history asks PSYNC ? -1, which is no partial resync refused.
        assertThat(master.stat("sync_full")).isEqualTo(1);
        assertThat(master.stat("sync_partial_ok")).isZero();
        assertThat(master.stat("sync_partial_err")).isZero();
        master.awaitLog("Full resync requested by replica 127.0.0.1:" + replica.port());
    }
}

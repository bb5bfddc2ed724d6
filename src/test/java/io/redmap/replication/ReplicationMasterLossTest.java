package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: a master that vanishes (kill -9) after a sync or in the middle of one. The replica keeps
 * serving its previous data ("a sync that fails half-way leaves the replica's previous files and
 * keyspace as they were"), says {@code master_link_status:down} with
 * {@code master_link_down_since_seconds}, and when the master comes back on the same port it
 * reconnects and converges.
 */
class ReplicationMasterLossTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @Test
    void aReplicaWhoseMasterWasKilledServesItsDataAndConvergesWhenItReturns() {
        Node master = nodes.start("master", masterDir, "--port", Integer.toString(Nodes.freePort()));
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", "1.5", "2.5");
        master.in(4, "MMAP", "rows", "rows.i2", "int16", "DIM", "2", "WRITABLE");
        master.call("VADD", "rows", 1, 2, 3, 4);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        master.in(0, "VSET", "k", 0, "9.5");
        nodes.awaitAcknowledged(master, 1);
        Keyspaces.Snapshot before = Keyspaces.snapshot(replica);

        master.kill();
        nodes.await("the replica to see its link down", () -> replica.info("replication", "master_link_status"), "down"::equals);
        Map<String, String> info = replica.info("replication");
        assertThat(info).containsEntry("role", "slave").containsKey("master_link_down_since_seconds");
        assertThat(Long.parseLong(info.get("master_link_down_since_seconds"))).isNotNegative();
        assertThat(Keyspaces.snapshot(replica)).as("the replica serves its data").isEqualTo(before);
        assertThat(replica.call("VGET", "k", 0)).isEqualTo("9.5");
        assertThat(replica.error("VSET", "k", 0, 1)).startsWith("READONLY");

        master.restart();
        master.call("VADD", "k", "3.5");
        master.in(4, "VSET", "rows", 0, -1, -2);
        nodes.awaitLinkUp(replica);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
        assertThat(replica.info("replication")).doesNotContainKey("master_link_down_since_seconds");
    }

    @Test
    void aMasterKilledDuringTheFullSyncLeavesTheReplicasPreviousDataAsItWas() throws IOException {
        Path big = masterDir.resolve("big.u1");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(384L << 20); // sparse: quick to make, 384 blocks to send
        }
        Node master = nodes.start("master", masterDir, "--port", Integer.toString(Nodes.freePort()));
        master.call("MMAP", "big", "big.u1", "uint8", "WRITABLE");
        master.call("VSET", "big", 5, 1);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1);

        // The replica's previous life: its own keys and files, one of them named as the master's.
        Node replica = nodes.start("replica", replicaDir);
        replica.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        replica.call("VADD", "k", 7, 8, 9);
        replica.in(3, "MMAP", "mine", "mine.i4", "int32", "WRITABLE");
        replica.call("VADD", "mine", 42);
        Keyspaces.Snapshot before = Keyspaces.snapshot(replica);
        byte[] kBytes = Files.readAllBytes(replicaDir.resolve("k.f8"));

        replica.replicaOf(master);
        replica.process().awaitLog(Pattern.compile("Full resync from master"), Duration.ofSeconds(60));
        master.kill();

        nodes.await("the replica to see its link down", () -> replica.info("replication", "master_link_status"), "down"::equals);
        nodes.await("the interrupted sync to be abandoned",
                () -> replica.info("replication", "master_sync_in_progress"), "0"::equals);
        replica.awaitLog("Error condition on socket for SYNC"); // a line logged after the sync's end
        assertThat(replica.log()).as("the sync was cut before it finished").doesNotContain("sync: Finished with success");
        assertThat(Keyspaces.snapshot(replica)).as("the replica's keys as they were").isEqualTo(before);
        assertThat(replicaDir.resolve("k.f8")).hasBinaryContent(kBytes);
        nodes.await("no temporary file of the sync left in the replica's dir",
                () -> Keyspaces.dataFiles(replicaDir), files -> files.equals(List.of(Path.of("k.f8"), Path.of("mine.i4"))));

        master.restart();
        nodes.awaitLinkUp(replica);
        nodes.awaitAcknowledged(master, 1);
        Keyspaces.assertSameKeyspace(master, replica);
        Keyspaces.assertSameBytes(big, replicaDir.resolve("big.u1"));
        Keyspaces.assertSameBytes(masterDir.resolve("k.f8"), replicaDir.resolve("k.f8"));
    }

    @Test
    void aReplicaRestartedWhileItsMasterIsDownServesItsLastData() {
        Node master = nodes.start("master", masterDir, "--port", Integer.toString(Nodes.freePort()));
        master.in(2, "MMAP", "k", "k.i8", "int64", "WRITABLE");
        master.call("VADD", "k", 1, 2, 3);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        master.in(2, "MMAP", "late", "late.u1", "uint8", "WRITABLE");
        master.call("VADD", "late", 9);
        master.call("RENAME", "k", "renamed");
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        Keyspaces.Snapshot acknowledged = Keyspaces.snapshot(master);

        master.kill();
        replica.kill();
        replica.restart();
        assertThat(replica.info("replication")).containsEntry("role", "slave").containsEntry("master_link_status", "down");
        assertThat(Keyspaces.snapshot(replica)).as("the replica's keyspace from its own catalogue").isEqualTo(acknowledged);

        master.restart();
        nodes.awaitLinkUp(replica);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
    }
}

package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.redmap.replication.Keyspaces.assertSameData;
import static io.redmap.replication.ReplicationFullSyncTest.writeRandomFile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica of a replica (Redis's sub-replicas): the middle one passes on the stream it applies
 * ("what our master sent and we applied, as it was sent: to our backlog and our own replicas").
 * WAIT cannot be used on the middle replica, so the end of the chain is known to have caught up
 * when its offset equals the master's.
 */
class ReplicationChainTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path middleDir;

    @TempDir
    Path endDir;

    private void awaitCaughtUp(Node master, Node end) {
        nodes.awaitAcknowledged(master, 1);
        long offset = Long.parseLong(master.info("replication", "master_repl_offset"));
        nodes.await(end.name() + " at the master's offset " + offset,
                () -> Long.parseLong(end.info("replication", "slave_repl_offset")), applied -> applied >= offset);
    }

    @Test
    void writesOnTheMasterReachTheEndOfTheChain() throws IOException {
        Node master = nodes.start("master", masterDir);
        master.in(1, "MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1, 2, 3);
        Node middle = nodes.replica("middle", master, middleDir);
        Node end = nodes.replica("end", middle, endDir);
        nodes.awaitLinkUp(end);
        awaitCaughtUp(master, end);
        assertSameData(master, end);

        master.in(1, "VSET", "k", 0, 10);
        master.in(2, "MMAP", "j", "j.i4", "int32", "WRITABLE");
        master.call("VADD", "j", 5, 6);
        master.in(1, "VINCRBYFLOAT", "k", 1, "0.5");
        awaitCaughtUp(master, end);
        assertSameData(master, middle);
        assertSameData(master, end);
        assertThat(end.info("replication", "master_replid")).isEqualTo(master.info("replication", "master_replid"));

        // A file that existed before its MMAP makes the chain take it with full syncs.
        writeRandomFile(masterDir.resolve("old.u1"), 2_000_000, 5);
        master.call("MMAP", "old", "old.u1", "uint8", "WRITABLE");
        master.call("VADD", "old", 1);
        nodes.awaitLinkUp(middle);
        nodes.awaitLinkUp(end);
        awaitCaughtUp(master, end);
        assertSameData(master, middle);
        assertSameData(master, end);
    }

    @Test
    void theMiddleReplicaPromotedKeepsTheEndWithAPartialResync() {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1);
        Node middle = nodes.replica("middle", master, middleDir);
        Node end = nodes.replica("end", middle, endDir);
        nodes.awaitLinkUp(end);
        awaitCaughtUp(master, end);
        long fullSyncs = middle.stat("sync_full");

        master.kill();
        assertThat(middle.call("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
        middle.call("VADD", "k", 2);
        nodes.awaitAcknowledged(middle, 1);
        assertSameData(middle, end);
        assertThat(middle.stat("sync_full")).as("no new full sync for the end of the chain").isEqualTo(fullSyncs);
    }
}

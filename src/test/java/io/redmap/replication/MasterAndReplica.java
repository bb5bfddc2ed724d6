package io.redmap.replication;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * For tests of what reaches a replica: a master and one replica as real processes, started for
 * each test, the replica attached (it has acknowledged the stream) before the test begins.
 */
abstract class MasterAndReplica {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    Node master;
    Node replica;

    @BeforeEach
    void startMasterAndReplica() {
        master = nodes.start("master", masterDir);
        replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
    }

    /** The contract's moment: WAIT 1 5000 counts the replica, and then the data is the same. */
    void assertReplicated() {
        assertThat(master.call("WAIT", 1, 5000)).as("WAIT 1 5000").isEqualTo(1L);
        assertSameData(master, replica);
    }
}

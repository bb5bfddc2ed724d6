package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica authenticates to a master with ACL users as {@code masteruser}/{@code masterauth}: a
 * user allowed only the replication commands (Redis's recommended replica user) is enough, and
 * one denied them is not.
 */
class ReplicationAclUserTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @Test
    void aReplicaSyncsAsAnAclUserWithOnlyTheReplicationCommands() {
        Node master = nodes.start("master", masterDir, "--requirepass", "adminpw",
                "--user", "replicator on >replpw +psync +replconf +ping");
        master.password("adminpw");
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1);
        Node replica = nodes.replica("replica", master, replicaDir, "--masteruser", "replicator", "--masterauth", "replpw");
        nodes.awaitAcknowledged(master, 1);
        master.call("VADD", "k", 2);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
        assertThat(String.valueOf(master.call("CLIENT", "LIST", "TYPE", "replica"))).contains("user=replicator");
    }

    @Test
    void aReplicaWhoseUserMayNotSyncStaysDown() {
        Node master = nodes.start("master", masterDir, "--requirepass", "adminpw", "--user", "weak on >pw +ping");
        Node replica = nodes.replica("replica", master, replicaDir, "--masteruser", "weak", "--masterauth", "pw");
        nodes.await("the replica's log to report the refusal", () -> replica.log().contains("NOPERM"));
        assertThat(replica.info("replication", "master_link_status")).isEqualTo("down");
        master.password("adminpw");
        assertThat(master.info("replication", "connected_slaves")).isEqualTo("0");
        assertThat(List.of(String.valueOf(master.call("ACL", "LOG")))).anyMatch(log -> log.contains("weak"));
    }
}

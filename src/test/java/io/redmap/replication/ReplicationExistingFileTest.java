package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static io.redmap.replication.ReplicationFullSyncTest.writeRandomFile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: a file that already lay in the master's dir before its MMAP has contents that the
 * replica lacks; the replica must still end with the key and the identical file (the master sends
 * MMAP and then makes the replica take the file with a full sync of the blocks it lacks).
 */
class ReplicationExistingFileTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @TempDir
    Path secondReplicaDir;

    @Test
    void mmapOfFilesThatAlreadyExistedReachesTheReplicaWithTheirBytes() throws IOException {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "before", "before.f8", "double", "WRITABLE");
        master.call("VADD", "before", 1, 2);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        writeRandomFile(masterDir.resolve("pre.i4"), 4_000, 1);
        writeRandomFile(masterDir.resolve("ro.u1"), (3 << 20) + 5, 2);
        Files.createDirectories(masterDir.resolve("nested/dir"));
        writeRandomFile(masterDir.resolve("nested/dir/rows.f8"), 8 * 3 * 50, 3);
        assertThat(master.call("MMAP", "pre", "pre.i4", "int32", "WRITABLE")).isEqualTo(1_000L);
        assertThat(master.call("MMAP", "ro", "ro.u1", "uint8")).as("read-only").isEqualTo((3L << 20) + 5);
        assertThat(master.in(4, "MMAP", "rows", "nested/dir/rows.f8", "double", "DIM", "3", "WRITABLE")).isEqualTo(50L);
        // Writes right after: they must land on top of the file's old bytes on the replica too.
        master.call("VADD", "rows", 1, 2, 3);
        master.in(0, "VSET", "pre", 999, 42);
        master.call("VADD", "pre", 7);

        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
        assertThat(replica.in(4, "VCOUNT", "rows")).isEqualTo(51L);
        assertThat(replica.in(0, "VGET", "pre", 1000)).isEqualTo(7L);
    }

    @Test
    void aReadOnlyMmapOfAFileTheReplicaLacksIsNotLost() throws IOException {
        Node master = nodes.start("master", masterDir);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        Files.write(masterDir.resolve("frozen.u2"), new byte[] {1, 0, 2, 0, 3, 0});

        assertThat(master.call("MMAP", "frozen", "frozen.u2", "uint16")).isEqualTo(3L);
        nodes.awaitAcknowledged(master, 1);

        assertSameData(master, replica);
        assertThat(replica.call("VALL", "frozen")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(replica.call("CONFIG", "SET", "replica-read-only", "no")).isEqualTo("OK");
        assertThat(replica.error("VSET", "frozen", 0, 9)).as("still read-only on the replica")
                .isEqualTo("ERR The file is not writable");
    }

    @Test
    void bothReplicasGetAnExistingFileMappedAgainAfterDel() throws IOException {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.i8", "int64", "WRITABLE");
        master.call("VADD", "k", 1, 2, 3);
        Node first = nodes.replica("first", master, replicaDir);
        Node second = nodes.replica("second", master, secondReplicaDir);
        nodes.awaitAcknowledged(master, 2);

        master.call("DEL", "k");
        // The file exists: mapping it again, under another key and type, shows its bytes.
        writeRandomFile(masterDir.resolve("late.u1"), 10_000, 4);
        assertThat(master.call("MMAP", "again", "k.i8", "uint8", "WRITABLE")).isEqualTo(24L);
        assertThat(master.call("MMAP", "late", "late.u1", "uint8", "WRITABLE")).isEqualTo(10_000L);
        master.call("VADD", "late", 255);

        nodes.awaitAcknowledged(master, 2);
        assertSameData(master, first);
        assertSameData(master, second);
    }
}

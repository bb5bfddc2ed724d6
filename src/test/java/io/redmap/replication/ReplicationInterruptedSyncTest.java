package io.redmap.replication;

import org.junit.jupiter.api.BeforeEach;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "a sync that fails half-way leaves the replica's previous files and keyspace as they
 * were". Here the replica itself ends the sync half-way: REPLICAOF NO ONE, or REPLICAOF another
 * master, while a big full sync is running. Its previous keys and files stay as they were, and no
 * temporary file of the abandoned sync is left in its dir.
 */
class ReplicationInterruptedSyncTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @TempDir
    Path otherMasterDir;

    private Node master;
    private Node replica;
    private Keyspaces.Snapshot replicaBefore;
    private byte[] replicaK;

    @BeforeEach
    void startABigMasterAndAReplicaWithItsOwnData() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(masterDir.resolve("big.u1").toFile(), "rw")) {
            file.setLength(384L << 20); // sparse: quick to make, 384 blocks to send
        }
        master = nodes.start("master", masterDir);
        master.call("MMAP", "big", "big.u1", "uint8", "WRITABLE");
        master.call("VSET", "big", 3, 3);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1);

        replica = nodes.start("replica", replicaDir);
        replica.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        replica.call("VADD", "k", 7, 8, 9);
        replica.in(3, "MMAP", "mine", "mine.i4", "int32", "WRITABLE");
        replica.call("VADD", "mine", 42);
        replica.jedis().select(0);
        replicaBefore = Keyspaces.snapshot(replica);
        replicaK = Files.readAllBytes(replicaDir.resolve("k.f8"));
    }

    /** REPLICAOF the big master, returning once the full sync has received its first blocks (INFO master_sync_read_bytes). */
    private void startTheSync() {
        assertThat(replica.replicaOf(master)).isEqualTo("OK");
        Map<String, String> info = nodes.await("the full sync to have received some bytes", () -> replica.info("replication"),
                fields -> "up".equals(fields.get("master_link_status"))
                        || Long.parseLong(fields.getOrDefault("master_sync_read_bytes", "0")) > 0);
        assertThat(info.get("master_link_status")).as("the sync still runs (else the test proves nothing)").isEqualTo("down");
    }

    @Test
    void replicaofNoOneDuringAFullSyncLeavesThePreviousDataAndNoTemporaryFile() {
        startTheSync();
        assertThat(replica.call("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
        replica.awaitLog("MASTER MODE enabled"); // logged after any line of the sync
        assertThat(replica.log()).as("the sync was cut before it finished").doesNotContain("sync: Finished with success");

        nodes.await("only the replica's own data files in its dir (no temporary file of the sync)", Duration.ofSeconds(30),
                () -> Keyspaces.dataFiles(replicaDir), files -> files.equals(List.of(Path.of("k.f8"), Path.of("mine.i4"))));
        assertThat(replica.info("replication", "role")).isEqualTo("master");
        assertThat(Keyspaces.snapshot(replica)).isEqualTo(replicaBefore);
        assertThat(replicaDir.resolve("k.f8")).hasBinaryContent(replicaK);
        assertThat(replica.call("VADD", "k", 10)).as("a master again: it takes writes").isEqualTo(1L);
    }

    @Test
    void replicaofAnotherMasterDuringAFullSyncEndsWithThatMastersDataOnly() {
        Node other = nodes.start("other-master", otherMasterDir);
        other.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        other.call("VADD", "k", 100, 200);
        other.in(5, "MMAP", "o", "o.u2", "uint16", "WRITABLE");
        other.call("VADD", "o", 5);

        startTheSync();
        assertThat(replica.replicaOf(other)).isEqualTo("OK");
        nodes.awaitAcknowledged(other, 1);

        assertTheOtherMastersData(other);
        assertThat(replica.info("replication", "master_port")).isEqualTo(Integer.toString(other.port()));
        // A while later still: nothing of the abandoned sync lands.
        other.in(0, "VADD", "k", 300);
        nodes.awaitAcknowledged(other, 1);
        assertTheOtherMastersData(other);
    }

    /** The other master's keyspace and files; of its own past the replica keeps only its file mine.i4 (files stay). */
    private void assertTheOtherMastersData(Node other) {
        Keyspaces.assertSameKeyspace(other, replica);
        for (Path file : Keyspaces.dataFiles(otherMasterDir)) {
            Keyspaces.assertSameBytes(otherMasterDir.resolve(file), replicaDir.resolve(file));
        }
        // The abandoned sync's temporary file goes on its own file thread, after the writes that
        // were in flight: possibly after the new sync is complete.
        nodes.await("the abandoned sync's temporary files removed", () -> Keyspaces.dataFiles(replicaDir).stream()
                .noneMatch(file -> file.getFileName().toString().endsWith(".redmap-sync")));
        assertThat(Keyspaces.dataFiles(replicaDir)).as("no file of the abandoned sync")
                .containsExactlyInAnyOrder(Path.of("k.f8"), Path.of("mine.i4"), Path.of("o.u2"));
    }
}

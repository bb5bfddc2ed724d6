package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "a file under an mmap-allow-path directory goes to the same absolute path, which must be
 * allowed there too". A replica that does not allow that directory cannot hold a full copy: it
 * must not claim to be in sync (its link is not up, or its log says why), and it writes no file
 * outside the directories it allows.
 */
class ReplicationAllowedPathsTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @TempDir
    Path shared;

    private Node master() {
        return nodes.start("master", masterDir, "--mmap-allow-path", shared.toString());
    }

    @Test
    void aFullSyncWithAFileTheReplicaMayNotHoldDoesNotComplete() throws IOException {
        Node master = master();
        master.call("MMAP", "in", "in.f8", "double", "WRITABLE");
        master.call("VADD", "in", 1);
        master.call("MMAP", "out", shared.resolve("out.f8").toString(), "double", "WRITABLE");
        master.call("VADD", "out", 1, 2, 3);
        Map<Path, Object> sharedBefore = describe(shared);

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.await("the replica's log to say why it cannot sync",
                () -> replica.log().contains("outside the allowed directories"));

        assertThat(replica.info("replication", "master_link_status")).isEqualTo("down");
        assertThat(master.call("WAIT", 1, 1000)).as("the replica never acknowledges").isEqualTo(0L);
        assertThat(replica.call("DBSIZE")).as("its keyspace as it was: empty").isEqualTo(0L);
        assertThat(Keyspaces.dataFiles(replicaDir)).isEmpty();
        assertThat(describe(shared)).as("nothing written under the directory the replica does not allow").isEqualTo(sharedBefore);
    }

    @Test
    void aNewFileMappedThereWhileTheReplicaIsOnlineIsReported() throws IOException {
        Node master = master();
        master.call("MMAP", "in", "in.f8", "double", "WRITABLE");
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        String path = shared.resolve("new.f8").toString();

        master.call("MMAP", "out", path, "double", "WRITABLE");
        master.call("VADD", "out", 1, 2);
        Map<Path, Object> sharedAfter = describe(shared);

        nodes.await("the replica to stop claiming a full copy, or to log why it lacks the key", Duration.ofSeconds(20),
                () -> !"up".equals(replica.info("replication", "master_link_status"))
                        || replica.log().contains("outside the allowed directories") || replica.log().contains(path),
                ok -> ok);
        assertThat(replica.call("EXISTS", "out")).isEqualTo(0L);
        assertThat(describe(shared)).as("nothing written under the directory the replica does not allow").isEqualTo(sharedAfter);
        assertThat(Keyspaces.dataFiles(replicaDir)).containsExactly(Path.of("in.f8"));
    }

    @Test
    void anExistingFileMappedThereWhileTheReplicaIsOnlineStopsTheSync() throws IOException {
        Node master = master();
        master.call("MMAP", "in", "in.f8", "double", "WRITABLE");
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        Files.write(shared.resolve("old.u1"), new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(shared.resolve("old.u1"), FileTime.fromMillis(1_000_000_000_000L));
        Map<Path, Object> sharedBefore = describe(shared);

        assertThat(master.call("MMAP", "old", shared.resolve("old.u1").toString(), "uint8")).isEqualTo(4L);

        nodes.await("the replica's log to say why it cannot sync",
                () -> replica.log().contains("outside the allowed directories"));
        assertThat(replica.info("replication", "master_link_status")).isEqualTo("down");
        assertThat(master.call("WAIT", 1, 1000)).as("the replica never acknowledges").isEqualTo(0L);
        assertThat(describe(shared)).isEqualTo(sharedBefore);
        assertThat(Files.getLastModifiedTime(shared.resolve("old.u1"))).isEqualTo(FileTime.fromMillis(1_000_000_000_000L));
        assertThat(replica.call("EXISTS", "in")).as("the replica keeps its previous keys").isEqualTo(1L);
    }

    /** Every file under {@code dir} (temporary ones included) with its size and bytes. */
    private static Map<Path, Object> describe(Path dir) throws IOException {
        Map<Path, Object> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(dir.relativize(file), List.of(Files.size(file), java.util.HexFormat.of().formatHex(Files.readAllBytes(file))));
            }
        }
        return files;
    }
}

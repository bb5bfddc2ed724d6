package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.redmap.replication.Keyspaces.assertSameData;
import static io.redmap.replication.ReplicationFullSyncTest.writeRandomFile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "a block that the replica already holds byte for byte is not sent, and a file that it
 * already holds whole is left untouched (not rewritten)". The replica's dir is given copies of the
 * master's files beforehand (as rsync or a disk snapshot would); what the replica received is
 * read from its log line {@code MASTER <-> REPLICA sync: K key(s), F file(s), C changed, B bytes
 * received}, and "untouched" is the file's inode and modification time.
 */
class ReplicationChecksumTest {
    private static final long MIB = 1 << 20;
    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
    private static final Pattern SYNC_LINE =
            Pattern.compile("MASTER <-> REPLICA sync: (\\d+) key\\(s\\), (\\d+) file\\(s\\), (\\d+) changed, (\\d+) bytes received");

    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @Test
    void anIdenticalCopyOfABigFileIsLeftUntouchedAndNothingIsSent() throws IOException {
        Node master = masterWithBigFile();
        Path copy = copyToReplica("big.u1");
        Object inode = Files.getAttribute(copy, "unix:ino");

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        assertThat(lastSync(replica)).as("keys, files, changed, bytes received").containsExactly(1L, 1L, 0L, 0L);
        assertThat(Files.getAttribute(copy, "unix:ino")).as("inode of the replica's copy").isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(copy)).as("mtime of the replica's copy").isEqualTo(LONG_AGO);
        assertSameData(master, replica);
    }

    @Test
    void anIdenticalCopyAlreadyMappedByTheReplicaIsLeftUntouched() throws IOException {
        Node master = masterWithBigFile();
        Path copy = copyToReplica("big.u1");
        Node replica = nodes.start("replica", replicaDir);
        assertThat(replica.call("MMAP", "big", "big.u1", "uint8", "WRITABLE")).isEqualTo(64 * MIB);
        Files.setLastModifiedTime(copy, LONG_AGO);
        Object inode = Files.getAttribute(copy, "unix:ino");

        replica.replicaOf(master);
        nodes.awaitAcknowledged(master, 1);

        assertThat(lastSync(replica)).containsExactly(1L, 1L, 0L, 0L);
        assertThat(Files.getAttribute(copy, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(copy)).isEqualTo(LONG_AGO);
        assertSameData(master, replica);
    }

    @Test
    void aCopyThatDiffersInOneBlockGetsOnlyThatBlock() throws IOException {
        Node master = masterWithBigFile();
        Path copy = copyToReplica("big.u1");
        try (RandomAccessFile file = new RandomAccessFile(copy.toFile(), "rw")) {
            long at = 37 * MIB + 12_345;
            file.seek(at);
            int old = file.read();
            file.seek(at);
            file.write(old ^ 0x5a);
        }

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        assertThat(lastSync(replica)).containsExactly(1L, 1L, 1L, MIB);
        assertSameData(master, replica);
    }

    @Test
    void copiesOfAnotherLengthGetOnlyWhatDiffers() throws IOException {
        writeRandomFile(masterDir.resolve("grown.u1"), 16 * MIB + 100, 21);
        writeRandomFile(masterDir.resolve("shrunk.u1"), 8 * MIB, 22);
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "grown", "grown.u1", "uint8", "WRITABLE");
        master.call("MMAP", "shrunk", "shrunk.u1", "uint8", "WRITABLE");
        // The replica's copies: the grown file as it was before its last 100 bytes, the shrunk
        // one with 4096 bytes more than the master's.
        try (var in = Files.newInputStream(masterDir.resolve("grown.u1"))) {
            Files.write(replicaDir.resolve("grown.u1"), in.readNBytes((int) (16 * MIB)));
        }
        Files.copy(masterDir.resolve("shrunk.u1"), replicaDir.resolve("shrunk.u1"));
        try (RandomAccessFile file = new RandomAccessFile(replicaDir.resolve("shrunk.u1").toFile(), "rw")) {
            file.setLength(8 * MIB + 4096);
        }

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        assertThat(lastSync(replica)).containsExactly(2L, 2L, 2L, 100L);
        assertSameData(master, replica);
    }

    @Test
    void anIdenticalCopyOfAFileMappedWhileTheReplicaIsOnlineIsNotSentAgain() throws IOException {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "small", "small.f8", "double", "WRITABLE");
        master.call("VADD", "small", 1);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        writeRandomFile(masterDir.resolve("late.u1"), 32 * MIB, 31);
        Path copy = copyToReplica("late.u1");
        Object inode = Files.getAttribute(copy, "unix:ino");
        int syncsBefore = awaitSyncLines(replica, 1).size();

        assertThat(master.call("MMAP", "late", "late.u1", "uint8", "WRITABLE")).isEqualTo(32 * MIB);
        nodes.awaitAcknowledged(master, 1);

        assertSameData(master, replica);
        List<List<Long>> syncs = awaitSyncLines(replica, syncsBefore + 1);
        assertThat(syncs.getLast().get(3)).as("bytes received by the sync that brought it").isZero();
        assertThat(Files.getAttribute(copy, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(copy)).isEqualTo(LONG_AGO);
    }

    /** A master with one 64 MiB key of random bytes. */
    private Node masterWithBigFile() throws IOException {
        writeRandomFile(masterDir.resolve("big.u1"), 64 * MIB, 64);
        Node master = nodes.start("master", masterDir);
        assertThat(master.call("MMAP", "big", "big.u1", "uint8", "WRITABLE")).isEqualTo(64 * MIB);
        return master;
    }

    /** A copy of the master's file in the replica's dir, modified long ago. */
    private Path copyToReplica(String name) throws IOException {
        Path copy = replicaDir.resolve(name);
        Files.copy(masterDir.resolve(name), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(copy, LONG_AGO);
        return copy;
    }

    /** The numbers of the replica's last sync line, once its log has one. */
    private List<Long> lastSync(Node replica) {
        return awaitSyncLines(replica, 1).getLast();
    }

    /** The sync lines of the replica's log, once it has at least {@code count} of them. */
    private List<List<Long>> awaitSyncLines(Node replica, int count) {
        return nodes.await(count + " sync line(s) in the replica's log", () -> syncLines(replica), lines -> lines.size() >= count);
    }

    private static List<List<Long>> syncLines(Node replica) {
        Matcher matcher = SYNC_LINE.matcher(replica.log());
        List<List<Long>> lines = new java.util.ArrayList<>();
        while (matcher.find()) {
            lines.add(List.of(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)),
                    Long.parseLong(matcher.group(3)), Long.parseLong(matcher.group(4))));
        }
        return lines;
    }
}

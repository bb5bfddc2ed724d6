package io.redmap.replication;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: the keyspace commands are streamed too: MMAP of a new file (created on the replica,
 * under its own dir), DEL, UNLINK, RENAME, RENAMENX, MOVE, FLUSHDB, FLUSHALL, in whatever
 * database they ran. Once {@code WAIT 1 5000} replies 1 the replica
 * has the same keys in the same databases and the same files.
 */
class ReplicationKeyspaceWritesTest extends MasterAndReplica {
    @Test
    void mmapOfANewFileCreatesItOnTheReplica() {
        assertThat(master.call("MMAP", "seed", "seed.mmap")).isEqualTo(0L);
        master.call("VADD", "seed", "0.5");
        master.call("MMAP", "ints", "ints.i4", "int32", "WRITABLE");
        master.call("MMAP", "names", "names.bin", "string", "12", "WRITABLE");
        master.call("VADD", "names", "hello");
        master.call("MMAP", "emb", "emb.f4", "float", "DIM", "8", "WRITABLE");
        master.call("VADD", "emb", 1, 2, 3, 4, 5, 6, 7, 8);
        master.call("MMAP", "abs", masterDir.resolve("abs.u2").toString(), "uint16", "WRITABLE");
        master.call("MMAP", "ключ with space\r\nand newline", "файл with space.f8", "double", "WRITABLE");
        master.call("VADD", "ключ with space\r\nand newline", "2.5");
        master.call("VADD", "abs", 65535);
        // Idempotent: the same key on the same file.
        assertThat(master.call("MMAP", "ints", "ints.i4", "int32", "WRITABLE")).isEqualTo(0L);
        assertReplicated();
        assertThat(replicaDir.resolve("abs.u2")).as("a file inside the master's dir goes inside the replica's").exists();
        assertThat(replica.call("VTYPE", "emb")).isEqualTo("float");
        assertThat(replica.call("VGET", "emb", 0)).isEqualTo(List.of("1", "2", "3", "4", "5", "6", "7", "8"));
    }

    @Test
    void mmapOfANewFileInASubdirectoryOfTheMastersDirCreatesItAtTheSamePlaceOnTheReplica() throws IOException {
        // The subdirectories exist in the master's dir (made by whoever put data there), not yet in the replica's.
        Files.createDirectories(masterDir.resolve("sub"));
        Files.createDirectories(masterDir.resolve("dir with space/deeper"));
        master.call("MMAP", "a", "sub/a.f8", "double", "WRITABLE");
        master.call("VADD", "a", 1);
        master.call("MMAP", "b", "dir with space/deeper/b.i4", "int32", "WRITABLE");
        master.call("VADD", "b", 2);
        assertReplicated();
        assertThat(replicaDir.resolve("sub/a.f8")).exists();
    }

    @Test
    void delAndUnlinkUnmapOnTheReplicaAndTheFilesStay() {
        for (String key : List.of("a", "b", "c", "d")) {
            master.call("MMAP", key, key + ".f8", "double", "WRITABLE");
            master.call("VADD", key, 1, 2);
        }
        assertThat(master.call("DEL", "a", "b", "missing")).isEqualTo(2L);
        assertThat(master.call("UNLINK", "c")).isEqualTo(1L);
        assertThat(master.call("DEL", "missing")).isEqualTo(0L);
        assertReplicated();
        assertThat(replica.call("DBSIZE")).isEqualTo(1L);
        assertThat(replicaDir.resolve("a.f8")).as("DEL unmaps, the file stays").hasSize(16);
        // The file is mapped again under another key: the same bytes on both.
        master.call("MMAP", "again", "a.f8", "double", "WRITABLE");
        master.call("VADD", "again", 3);
        assertReplicated();
        assertThat(replica.call("VALL", "again")).isEqualTo(List.of("1", "2", "3"));
    }

    @Test
    void renameRenamenxAndMove() {
        for (String key : List.of("k1", "k2", "k3", "k4")) {
            master.call("MMAP", key, key + ".i8", "int64", "WRITABLE");
            master.call("VADD", key, key.charAt(1));
        }
        assertThat(master.call("RENAME", "k1", "renamed")).isEqualTo("OK");
        assertThat(master.call("RENAME", "k2", "k3")).as("RENAME over an existing key").isEqualTo("OK");
        assertThat(master.call("RENAMENX", "k3", "k4")).isEqualTo(0L);
        assertThat(master.call("RENAMENX", "k3", "fresh")).isEqualTo(1L);
        assertThat(master.call("MOVE", "k4", 5)).isEqualTo(1L);
        master.in(5, "MMAP", "busy", "busy.i8", "int64", "WRITABLE");
        master.in(0, "MMAP", "busy", "busy0.i8", "int64", "WRITABLE");
        assertThat(master.call("MOVE", "busy", 5)).as("MOVE onto an existing key").isEqualTo(0L);
        master.jedis().select(0);
        assertReplicated();
        assertThat(replica.in(5, "VALL", "k4")).isEqualTo(List.of(4L));
    }

    @Test
    void flushdbIsReplicated() {
        for (int db : List.of(0, 1, 2)) {
            master.in(db, "MMAP", "x", "x" + db + ".f8", "double", "WRITABLE");
            master.in(db, "MMAP", "y", "y" + db + ".f8", "double", "WRITABLE");
        }
        assertThat(master.in(1, "FLUSHDB")).isEqualTo("OK");
        assertReplicated();
        assertThat(replica.in(1, "DBSIZE")).isEqualTo(0L);
        assertThat(replica.in(2, "DBSIZE")).isEqualTo(2L);
    }

    @Test
    void flushallIsReplicated() {
        for (int db : List.of(0, 1, 2)) {
            master.in(db, "MMAP", "x", "x" + db + ".f8", "double", "WRITABLE");
        }
        assertThat(master.in(2, "FLUSHALL")).isEqualTo("OK");
        master.in(3, "MMAP", "after", "after.u1", "uint8", "WRITABLE");
        master.in(3, "VADD", "after", 200);
        assertReplicated();
        assertThat(replica.in(0, "DBSIZE")).isEqualTo(0L);
        assertThat(replica.in(3, "VALL", "after")).isEqualTo(List.of(200L));
    }

    @Test
    void writesInEveryDatabaseReachTheSameDatabase() {
        for (int db = 15; db >= 0; db--) {
            master.in(db, "MMAP", "k", "k" + db + ".i4", "int32", "WRITABLE");
            master.call("VADD", "k", db);
        }
        // Interleaved from two connections, each in its own database.
        try (Jedis other = master.connect()) {
            other.select(7);
            for (int i = 0; i < 20; i++) {
                master.in(i % 16, "VADD", "k", 100 + i);
                Node.call(other, "VADD", "k", 1000 + i);
            }
        }
        assertReplicated();
        assertThat(replica.in(7, "VCOUNT", "k")).isEqualTo(1L + 1 + 20);
    }
}

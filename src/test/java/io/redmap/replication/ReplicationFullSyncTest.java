package io.redmap.replication;

import io.redmap.testing.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F, full sync: "a replica holds a full copy of the master's keyspace: every key with its
 * type, shape, writable flag and database, and every file's bytes, under the replica's own dir".
 * A master with existing data of every kind, then a replica started on an empty directory (or on
 * one with other data); once WAIT counts it, the replica answers as the master for every key and
 * its files are byte-identical.
 */
class ReplicationFullSyncTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @Test
    void keysOfEveryKindInSeveralDatabasesAreCopiedWhole() throws IOException {
        Node master = nodes.start("master", masterDir);
        populate(master);

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        assertSameData(master, replica);
        assertThat(replica.info("replication")).containsEntry("role", "slave").containsEntry("master_link_status", "up")
                .containsEntry("master_port", Integer.toString(master.port()));
        assertThat(master.stat("sync_full")).isEqualTo(1);
        replica.awaitLog("MASTER <-> REPLICA sync: Finished with success");
        assertSameWritableFlags(master, replica);
    }

    @Test
    void aNpyFileIsCopiedWithItsHeaderAndStaysIdenticalAfterAppends() throws IOException {
        Numpy.assume();
        Numpy.run("import numpy as np, sys; np.save(sys.argv[1], np.arange(15, dtype='<f4').reshape(5, 3))",
                List.of(masterDir.resolve("rows.npy").toString()));
        Node master = nodes.start("master", masterDir);
        assertThat(master.in(2, "MMAP", "rows", "rows.npy", "WRITABLE")).isEqualTo(5L);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);

        // An append rewrites the shape in the header: the replica's header must say the same.
        assertThat(master.in(2, "VADD", "rows", "15", "16", "17", "18", "19", "20")).isEqualTo(2L);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
        assertThat(replica.in(2, "VCOUNT", "rows")).isEqualTo(7L);
    }

    @Test
    void writesMadeWhileTheFullSyncRunsAreNotLost() throws Exception {
        writeRandomFile(masterDir.resolve("big.u1"), 48 << 20, 7);
        Node master = nodes.start("master", masterDir);
        assertThat(master.call("MMAP", "big", "big.u1", "uint8", "WRITABLE")).isEqualTo(48L << 20);
        master.call("MMAP", "counters", "counters.i8", "int64", "WRITABLE");
        master.call("VADD", "counters", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        master.call("MMAP", "log", "log.f8", "double", "WRITABLE");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("writer").start(() -> {
            try (var jedis = master.connect()) {
                for (long i = 0; !stop.get(); i++) {
                    Node.call(jedis, "VSET", "big", (i * 7_919 * 1_013) % (48L << 20), i % 256);
                    Node.call(jedis, "VINCRBY", "counters", i % 10, 1);
                    Node.call(jedis, "VADD", "log", i + 0.5);
                    if (i % 101 == 0) {
                        Node.call(jedis, "VINCRBYFLOAT", "log", 0, "0.1");
                    }
                    if (i % 7 == 0) {
                        Node.call(jedis, "VPOP", "log");
                    }
                    writes.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            nodes.await("some writes before the replica starts", () -> writes.get() > 50);
            Node replica = nodes.replica("replica", master, replicaDir);
            nodes.awaitLinkUp(replica);
            long online = writes.get();
            nodes.await("more writes once the replica is online", () -> writes.get() > online + 200 || failure.get() != null);
            stop.set(true);
            writer.join();
            assertThat(failure.get()).as("the writer's failure").isNull();
            nodes.awaitAcknowledged(master, 1);
            assertSameData(master, replica);
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    @Test
    void aReplicaWithOtherDataEndsWithTheMastersKeyspaceAndItsOwnFilesLeftOnDisk() throws IOException {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "prices", "prices.f8", "double", "WRITABLE");
        master.call("VADD", "prices", 1, 2, 3);

        Node replica = nodes.start("replica", replicaDir);
        replica.call("MMAP", "prices", "prices.f8", "double", "WRITABLE");
        replica.call("VADD", "prices", 9, 9, 9, 9, 9);
        replica.call("MMAP", "stale", "stale.i4", "int32", "WRITABLE");
        replica.call("VADD", "stale", 42);
        replica.in(7, "MMAP", "other", "other.u1", "uint8", "WRITABLE");
        byte[] staleBytes = Files.readAllBytes(replicaDir.resolve("stale.i4"));

        assertThat(replica.replicaOf(master)).isEqualTo("OK");
        nodes.awaitAcknowledged(master, 1);

        Keyspaces.assertSameKeyspace(master, replica);
        Keyspaces.assertSameBytes(masterDir.resolve("prices.f8"), replicaDir.resolve("prices.f8"));
        assertThat(replicaDir.resolve("stale.i4")).as("files are never deleted by the server").hasBinaryContent(staleBytes);
    }

    @Test
    void filesMadeByTheSyncHaveTheServersFileMode() throws IOException {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "a", "a.f8", "double", "WRITABLE");
        master.call("VADD", "a", 1, 2, 3);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
        // Made by the stream (MMAP creating the file), for comparison.
        master.call("MMAP", "b", "b.f8", "double", "WRITABLE");
        nodes.awaitAcknowledged(master, 1);

        // README: mmap-file-mode (default 0600) is the permission of the files the server creates.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(replicaDir.resolve("b.f8"))))
                .as("a file the replica's MMAP created").isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(replicaDir.resolve("a.f8"))))
                .as("a file the replica's full sync created").isEqualTo("rw-------");
    }

    /** Keys in databases 0, 3 and 15: every element type family, rows, read-only and writable keys, two keys on one file. */
    private void populate(Node master) throws IOException {
        Files.createDirectories(masterDir.resolve("sub"));
        Files.createDirectories(masterDir.resolve("db3"));
        Files.write(masterDir.resolve("bytes.u1"), allBytes());
        Files.write(masterDir.resolve("db3/prices.i2"), le16(-32768, 0, 32767, 1234));
        writeRandomFile(masterDir.resolve("wide.u8"), (7 << 19) + 8 * 3, 11); // 3.5 MiB + 24 bytes: a partial last block

        assertThat(master.in(0, "MMAP", "prices", "prices.f8", "double", "WRITABLE")).isEqualTo(0L);
        master.call("VADD", "prices", "1.5", "-2.25", "0.1", "1e300", "-0", "nan", "inf", "4.9e-324");
        assertThat(master.call("MMAP", "alias", "prices.f8", "double", "WRITABLE")).isEqualTo(8L);
        master.call("MMAP", "counts", "sub/counts.i4", "int32", "WRITABLE");
        master.call("VADD", "counts", "-2147483648", "0", "2147483647");
        assertThat(master.call("MMAP", "bytes", "bytes.u1", "uint8")).isEqualTo(256L);
        master.call("MMAP", "names", "names.s16", "string", "16", "WRITABLE");
        master.call("VADD", "names", "alpha", "omega", "", "exactly16bytes!!");
        master.call("MMAP", "absolute", masterDir.resolve("abs.i8").toString(), "int64", "WRITABLE");
        master.call("VADD", "absolute", "-9223372036854775808", "9223372036854775807");
        Files.createDirectories(masterDir.resolve("dir with space"));
        master.call("MMAP", "ключ with space\r\nand newline", "dir with space/файл.i2", "int16", "WRITABLE");
        master.call("VADD", "ключ with space\r\nand newline", 1, -1);
        master.call("MMAP", "seed", "seed.mmap");
        master.call("VADD", "seed", "3.25");

        master.in(3, "MMAP", "emb", "emb.f4", "float", "DIM", "4", "WRITABLE");
        master.call("VADD", "emb", "0.1", "0.2", "0.3", "0.4", "1", "2", "3", "4");
        assertThat(master.call("MMAP", "prices", "db3/prices.i2", "int16")).isEqualTo(4L);
        master.call("MMAP", "half", "half.f2", "float16", "WRITABLE");
        master.call("VADD", "half", "0.5", "65504", "-0", "0.1");
        master.call("MMAP", "brain", "brain.bf16", "bfloat16", "WRITABLE");
        master.call("VADD", "brain", "3.14159", "-1e30");
        master.call("MMAP", "ld", "ld.f16", "long_double", "WRITABLE");
        master.call("VADD", "ld", "0.1", "-3.5");

        assertThat(master.in(15, "MMAP", "wide", "wide.u8", "uint64", "WRITABLE")).isEqualTo((long) (7 << 16) + 3);
        master.call("MMAP", "empty", "empty.f4", "float", "WRITABLE");
        master.call("MMAP", "big", "big.u8", "uint64", "WRITABLE");
        master.call("VADD", "big", "18446744073709551615", "0");
        master.jedis().select(0);
    }

    /**
     * The writable flag, as a client finds it out: VSET at an index out of range answers "not
     * writable" on a read-only key and "index exceeds size" on a writable one, changing nothing.
     */
    private static void assertSameWritableFlags(Node master, Node replica) {
        assertThat(replica.call("CONFIG", "SET", "replica-read-only", "no")).isEqualTo("OK");
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (Keyspaces.KeyState key : Keyspaces.snapshot(master).keys()) {
            expected.add(key.db() + ":" + key.key() + " " + master.in(key.db(), "VTYPE", key.key()) + " "
                    + master.reply("VSET", key.key(), "999999999999", "0"));
            actual.add(key.db() + ":" + key.key() + " " + replica.in(key.db(), "VTYPE", key.key()) + " "
                    + replica.reply("VSET", key.key(), "999999999999", "0"));
        }
        assertThat(actual).as("writable flags of the replica's keys").isEqualTo(expected);
        assertThat(expected).as("the probe tells read-only keys").anyMatch(line -> line.contains("not writable"));
        assertThat(replica.call("CONFIG", "SET", "replica-read-only", "yes")).isEqualTo("OK");
    }

    static void writeRandomFile(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
    }

    private static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] le16(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putShort((short) value);
        }
        return buffer.array();
    }
}

package io.redmap.replication;

import io.redmap.testing.RealRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "replicas are read-only by default (replica-read-only yes): a write gets -READONLY You
 * can't write against a read only replica. Reads are served from the replica's own mapping.
 * WAIT numreplicas timeout replies how many replicas acknowledged every earlier write". Error
 * texts are compared with a real Redis master and replica.
 */
class ReplicationReadOnlyTest {
    private static final String READONLY = "READONLY You can't write against a read only replica.";

    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @TempDir
    Path aloneDir;

    private Node master;
    private Node replica;

    @BeforeEach
    void startMasterAndReplica() throws Exception {
        Files.write(masterDir.resolve("frozen.u1"), new byte[] {1, 2, 3});
        master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", "1.5", "2.5", "3.5");
        master.call("MMAP", "i", "i.i4", "int32", "DIM", "2", "WRITABLE");
        master.call("VADD", "i", 1, 2, 3, 4);
        master.call("MMAP", "frozen", "frozen.u1", "uint8");
        replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);
    }

    @Test
    void everyWriteOnAReplicaGetsRedissReadonlyError() {
        RealPair real = RealPair.start(nodes);
        assertThat(Node.reply(real.replicaClient, "SET", "x", "1")).isEqualTo("-" + READONLY);

        List<List<Object>> writes = List.of(
                List.of("VSET", "k", 0, 9), List.of("VSET", "missing", 0, 9), List.of("VADD", "k", 4),
                List.of("VPOP", "k"), List.of("VCLEAR", "k"), List.of("VWRITE", "k", 0, new byte[8]),
                List.of("VINCRBY", "i", 0, 1), List.of("VINCRBYFLOAT", "k", 0, 1),
                List.of("MMAP", "new", "new.f8", "double", "WRITABLE"), List.of("MMAP", "k", "k.f8", "double", "WRITABLE"),
                List.of("MMAP", "seed", "seed.mmap"), List.of("DEL", "k"), List.of("UNLINK", "k"),
                List.of("RENAME", "k", "k2"), List.of("RENAMENX", "k", "k2"), List.of("MOVE", "k", 1),
                List.of("FLUSHDB"), List.of("FLUSHALL"));
        List<String> refused = new ArrayList<>();
        for (List<Object> write : writes) {
            refused.add(write.getFirst() + " " + replica.reply((String) write.getFirst(), write.subList(1, write.size()).toArray()));
        }
        assertThat(refused).allSatisfy(line -> assertThat(line).endsWith(" -" + READONLY));

        // Inside MULTI, as Redis: the write is refused at once and EXEC aborts.
        List<Object> ours = transaction(replica.jedis(), "VSET", "k", 0, 9);
        List<Object> theirs = transaction(real.replicaClient, "SET", "x", "1");
        assertThat(ours).isEqualTo(theirs);

        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        assertSameData(master, replica);
    }

    @Test
    void readsAreServedByTheReplica() {
        List<List<Object>> reads = List.of(
                List.of("VGET", "k", 1), List.of("VMGET", "k", 0, 2), List.of("VALL", "k"), List.of("VCOUNT", "k"),
                List.of("VTYPE", "i"), List.of("VSIZE", "i"), List.of("VFILEPATH", "k"), List.of("VRANGE", "k", 0, -1),
                List.of("VREAD", "frozen", 0, 3), List.of("VAGG", "k", "SUM"), List.of("VGET", "i", 1),
                List.of("VALL", "frozen"), List.of("EXISTS", "k", "i", "nope"), List.of("TYPE", "k"), List.of("KEYS", "*"),
                List.of("DBSIZE"), List.of("TTL", "k"), List.of("VGET", "k", 99), List.of("VGET", "missing", 0));
        for (List<Object> read : reads) {
            String command = (String) read.getFirst();
            Object[] args = read.subList(1, read.size()).toArray();
            Object expected = master.reply(command, args);
            Object actual = replica.reply(command, args);
            if (command.equals("KEYS")) {
                assertThat(new java.util.HashSet<Object>((List<?>) actual)).isEqualTo(new java.util.HashSet<Object>((List<?>) expected));
            } else {
                assertThat(actual).as("%s on the replica", read).isEqualTo(expected);
            }
        }
    }

    @Test
    void replicaReadOnlyNoAllowsLocalWritesThatStayLocal() {
        assertThat(replica.info("replication", "slave_read_only")).isEqualTo("1");
        assertThat(replica.call("CONFIG", "SET", "replica-read-only", "no")).isEqualTo("OK");
        assertThat(replica.info("replication", "slave_read_only")).isEqualTo("0");

        assertThat(replica.call("VSET", "k", 0, 99)).isEqualTo(1L);
        assertThat(replica.call("VGET", "k", 0)).isEqualTo("99");
        assertThat(replica.call("MMAP", "local", "local.i2", "int16", "WRITABLE")).isEqualTo(0L);
        master.call("VADD", "k", "4.5");
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        assertThat(master.call("VGET", "k", 0)).as("the replica's write stays on the replica").isEqualTo("1.5");
        assertThat(master.call("EXISTS", "local")).isEqualTo(0L);
        assertThat(replica.call("VCOUNT", "k")).as("the master's stream still applies").isEqualTo(4L);

        assertThat(replica.call("CONFIG", "SET", "replica-read-only", "yes")).isEqualTo("OK");
        assertThat(replica.error("VSET", "k", 0, 1)).isEqualTo(READONLY);
    }

    @Test
    void waitOnAReplicaGetsRedissError() {
        RealPair real = RealPair.start(nodes);
        Object theirs = Node.reply(real.replicaClient, "WAIT", 0, 0);
        assertThat(theirs).asString().startsWith("-ERR WAIT cannot be used with replica instances");
        assertThat(replica.reply("WAIT", 0, 0)).isEqualTo(theirs);
        assertThat(replica.reply("WAIT", 1, 100)).isEqualTo(Node.reply(real.replicaClient, "WAIT", 1, 100));
    }

    @Test
    void waitOnAMasterWithoutReplicasRepliesZero() {
        Node alone = nodes.start("alone", aloneDir);
        try (RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            alone.call("MMAP", "k", "k.f8", "double", "WRITABLE");
            alone.call("VADD", "k", 1);
            real.set("k", "1");
            assertThat(alone.call("WAIT", 0, 0)).isEqualTo(0L).isEqualTo(Node.call(real, "WAIT", 0, 0));
            assertThat(alone.call("WAIT", 1, 200)).isEqualTo(0L).isEqualTo(Node.call(real, "WAIT", 1, 200));
            assertThat(alone.call("PING")).as("the connection goes on after WAIT").isEqualTo("PONG");
        }
    }

    @Test
    void waitArgumentErrorsAreRediss() {
        Node alone = nodes.start("alone", aloneDir);
        try (RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            List<List<Object>> cases = List.of(List.of(1, -1), List.of(1, "abc"), List.of("abc", 0), List.of(1, "1.5"),
                    List.of(1, "99999999999999999999"), List.of(-1, 0), List.of(1), List.of(1, 0, 0));
            for (List<Object> args : cases) {
                assertThat(alone.reply("WAIT", args.toArray())).as("WAIT %s", args)
                        .isEqualTo(Node.reply(real, "WAIT", args.toArray()));
            }
            assertThat(alone.reply("WAIT", 1, -1)).isEqualTo("-ERR timeout is negative");
            assertThat(alone.reply("WAIT", 1, "abc")).isEqualTo("-ERR timeout is not an integer or out of range");
        }
    }

    /** MULTI, the command, EXEC: every reply (errors as "-text"). */
    private static List<Object> transaction(Jedis jedis, String command, Object... args) {
        List<Object> replies = new ArrayList<>();
        replies.add(Node.reply(jedis, "MULTI"));
        replies.add(Node.reply(jedis, command, args));
        replies.add(Node.reply(jedis, "EXEC"));
        return replies;
    }
}

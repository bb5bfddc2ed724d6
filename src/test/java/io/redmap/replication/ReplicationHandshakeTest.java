package io.redmap.replication;

import io.redmap.testing.RealRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: what a replica tells its master and how it is configured: {@code masterauth} against a
 * master with {@code requirepass}; {@code replica-announce-ip}, {@code replica-announce-port} and
 * {@code replica-priority} as INFO and ROLE show them; REPLICAOF's replies and errors as Redis's.
 */
class ReplicationHandshakeTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @TempDir
    Path otherDir;

    @Test
    void aReplicaWithMasterauthSyncsWithAPasswordProtectedMaster() {
        Node master = nodes.start("master", masterDir, "--requirepass", "s3cret");
        master.password("s3cret");
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1);
        Node replica = nodes.replica("replica", master, replicaDir, "--masterauth", "s3cret");
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
    }

    @Test
    void aReplicaWithoutThePasswordIsNotInSyncAndSaysWhy() {
        Node master = nodes.start("master", masterDir, "--requirepass", "s3cret");
        Node replica = nodes.replica("replica", master, replicaDir, "--masterauth", "wrong");
        nodes.await("the replica's log to report the refused password",
                () -> replica.log().contains("WRONGPASS") || replica.log().contains("NOAUTH")
                        || replica.log().contains("invalid password"));
        assertThat(replica.info("replication", "master_link_status")).isEqualTo("down");
        master.password("s3cret");
        assertThat(master.info("replication", "connected_slaves")).isEqualTo("0");
    }

    @Test
    void announcedAddressAndPriorityAreWhatInfoAndRoleShow() {
        Node master = nodes.start("master", masterDir);
        Node replica = nodes.replica("replica", master, replicaDir, "--replica-announce-ip", "10.1.2.3",
                "--replica-announce-port", "7777", "--replica-priority", "42");
        nodes.awaitAcknowledged(master, 1);
        assertThat(master.info("replication", "slave0")).startsWith("ip=10.1.2.3,port=7777,state=online,");
        assertThat((List<?>) ((List<?>) master.call("ROLE")).get(2)).singleElement()
                .satisfies(entry -> assertThat(((List<?>) entry).subList(0, 2)).isEqualTo(List.of("10.1.2.3", "7777")));
        assertThat(replica.info("replication", "slave_priority")).isEqualTo("42");
        assertThat(replica.call("CONFIG", "SET", "replica-priority", "0")).isEqualTo("OK");
        assertThat(replica.info("replication", "slave_priority")).isEqualTo("0");
    }

    @Test
    void replicaofRepliesAndErrorsAreRediss() {
        Node master = nodes.start("master", masterDir);
        Node server = nodes.start("server", otherDir);
        try (RealRedis redis = RealRedis.start(); RealRedis redisMaster = RealRedis.start();
                Jedis real = new Jedis("127.0.0.1", redis.port())) {
            List<List<Object>> cases = List.of(List.of("NO", "ONE"), List.of("127.0.0.1", "notaport"),
                    List.of("127.0.0.1", "70000"), List.of("127.0.0.1", "-1"), List.of("127.0.0.1"));
            for (List<Object> args : cases) {
                assertThat(server.reply("REPLICAOF", args.toArray())).as("REPLICAOF %s", args)
                        .isEqualTo(Node.reply(real, "REPLICAOF", args.toArray()));
            }
            assertThat(server.replicaOf(master)).isEqualTo("OK");
            assertThat(Node.reply(real, "REPLICAOF", "127.0.0.1", redisMaster.port())).isEqualTo("OK");
            assertThat(server.reply("REPLICAOF", "127.0.0.1", master.port()))
                    .isEqualTo(Node.reply(real, "REPLICAOF", "127.0.0.1", redisMaster.port()))
                    .isEqualTo("OK Already connected to specified master");
            assertThat(server.reply("SLAVEOF", "NO", "ONE")).isEqualTo(Node.reply(real, "SLAVEOF", "NO", "ONE"));
            assertThat(server.info("replication", "role")).isEqualTo("master");
        }
    }

    @Test
    void aReplicaOfAServerThatIsNotThereSaysConnectAndKeepsTrying() {
        int port = Nodes.freePort();
        Node replica = nodes.start("replica", replicaDir, "--replicaof", "127.0.0.1", Integer.toString(port));
        List<?> role = (List<?>) replica.call("ROLE");
        assertThat(role.subList(0, 3)).isEqualTo(List.of("slave", "127.0.0.1", (long) port));
        assertThat(role.get(3)).isIn("connect", "connecting");
        assertThat(role.get(4)).isEqualTo(-1L);
        assertThat(replica.info("replication", "master_link_status")).isEqualTo("down");

        // The master appears on that port: the replica connects by itself.
        Node master = nodes.start("master", masterDir, "--port", Integer.toString(port));
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        nodes.await("the replica to connect to the late master", Duration.ofSeconds(60),
                () -> replica.info("replication", "master_link_status"), "up"::equals);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
    }
}

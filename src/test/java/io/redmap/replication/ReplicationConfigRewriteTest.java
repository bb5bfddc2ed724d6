package io.redmap.replication;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "REPLICAOF ... and the replicaof config option"; "CONFIG REWRITE keeps replicaof across
 * restarts". A replica started with a config file: CONFIG REWRITE writes {@code replicaof host
 * port} as Redis writes it, and a restart on that file comes back as a replica; REPLICAOF NO ONE
 * then CONFIG REWRITE comes back as a master; Sentinel's failover transaction does both at once.
 */
class ReplicationConfigRewriteTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @TempDir
    Path configDir;

    private Node master;

    @BeforeEach
    void startMaster() {
        master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", "1.5");
    }

    private Path config(String... lines) throws IOException {
        return Files.write(configDir.resolve("replica.conf"), List.of(lines));
    }

    private List<String> directives(Path config) throws IOException {
        return Files.readAllLines(config).stream().map(String::strip)
                .filter(line -> line.startsWith("replicaof") || line.startsWith("slaveof")).toList();
    }

    @Test
    void configRewriteWritesReplicaofAndARestartComesBackAsAReplica() throws IOException {
        Path config = config("# the replica's own configuration", "loglevel notice");
        Node replica = nodes.startWithConfig("replica", config, replicaDir);
        assertThat(replica.info("replication", "role")).isEqualTo("master");

        assertThat(replica.replicaOf(master)).isEqualTo("OK");
        nodes.awaitAcknowledged(master, 1);
        assertThat(replica.call("CONFIG", "REWRITE")).isEqualTo("OK");
        assertThat(directives(config)).containsExactly("replicaof 127.0.0.1 " + master.port());
        assertThat(Files.readAllLines(config)).contains("# the replica's own configuration");

        assertThat(replica.terminate()).isIn(0, 143);
        master.call("VADD", "k", "2.5");
        replica.restart();
        assertThat(replica.info("replication")).containsEntry("role", "slave")
                .containsEntry("master_port", Integer.toString(master.port()));
        nodes.awaitLinkUp(replica);
        nodes.awaitAcknowledged(master, 1);
        assertSameData(master, replica);
    }

    @Test
    void aReplicaofOrSlaveofLineInTheConfigFileMakesAReplica() throws IOException {
        for (String directive : List.of("replicaof", "slaveof")) {
            Path dir = Files.createDirectories(replicaDir.resolve(directive));
            Path config = Files.write(configDir.resolve(directive + ".conf"),
                    List.of(directive + " 127.0.0.1 " + master.port()));
            Node replica = nodes.startWithConfig(directive, config, dir);
            nodes.awaitLinkUp(replica);
            assertThat(replica.info("replication", "role")).as(directive).isEqualTo("slave");
            assertThat(replica.call("VGET", "k", 0)).isEqualTo("1.5");
        }
    }

    @Test
    void replicaofNoOneAndConfigRewriteComeBackAsAMasterWithTheData() throws IOException {
        Path config = config("replicaof 127.0.0.1 " + master.port());
        Node replica = nodes.startWithConfig("replica", config, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        assertThat(replica.call("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
        assertThat(replica.call("CONFIG", "REWRITE")).isEqualTo("OK");
        assertThat(directives(config)).isEmpty();
        assertThat(replica.terminate()).isIn(0, 143);
        replica.restart();

        assertThat(replica.info("replication", "role")).isEqualTo("master");
        assertThat(replica.call("VALL", "k")).isEqualTo(List.of("1.5"));
        assertThat(replica.call("VADD", "k", 3)).isEqualTo(1L);
    }

    @Test
    void sentinelsFailoverTransactionPromotesAndRewritesTheConfig() throws IOException {
        Path config = config("replicaof 127.0.0.1 " + master.port());
        Node replica = nodes.startWithConfig("replica", config, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        try (Jedis sentinel = replica.connect()) {
            assertThat(Node.call(sentinel, "MULTI")).isEqualTo("OK");
            assertThat(Node.call(sentinel, "SLAVEOF", "NO", "ONE")).isEqualTo("QUEUED");
            assertThat(Node.call(sentinel, "CONFIG", "REWRITE")).isEqualTo("QUEUED");
            assertThat(Node.call(sentinel, "CLIENT", "KILL", "TYPE", "normal")).isEqualTo("QUEUED");
            assertThat(Node.call(sentinel, "CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo("QUEUED");
            List<?> results = (List<?>) Node.call(sentinel, "EXEC");
            assertThat(results).hasSize(4);
            assertThat(List.copyOf(results.subList(0, 2))).isEqualTo(List.of("OK", "OK"));
            assertThat(results.get(2)).isInstanceOf(Long.class);
            assertThat(results.get(3)).isInstanceOf(Long.class);
        }
        assertThat(directives(config)).isEmpty();
        try (Jedis client = replica.connect()) {
            assertThat(((List<?>) Node.call(client, "ROLE")).getFirst()).isEqualTo("master");
            assertThat(Node.call(client, "VADD", "k", 2)).isEqualTo(1L);
        }

        // And back: the old master made a replica of the new one, as Sentinel does.
        assertThat(master.replicaOf(replica)).isEqualTo("OK");
        nodes.awaitLinkUp(master);
        try (Jedis client = replica.connect()) {
            assertThat(Node.call(client, "WAIT", 1, 5000)).isEqualTo(1L);
        }
        assertThat(master.call("VALL", "k")).isEqualTo(List.of("1.5", "2"));
    }
}

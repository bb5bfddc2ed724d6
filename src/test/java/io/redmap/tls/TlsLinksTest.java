package io.redmap.tls;

import io.redmap.testing.Poll;
import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Links between servers over TLS, on TLS-only servers ({@code port 0}): a replica follows its
 * master with {@code tls-replication yes} (presenting {@code tls-client-cert-file}), and MIGRATE
 * moves an array with {@code tls-cluster yes}. A replica that does not speak TLS to a TLS-only
 * master gets no link, and the master says why.
 */
class TlsLinksTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static Issued admin;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.create(dir.resolve("certs"));
        admin = certs.client("admin");
    }

    @Test
    void aReplicaFollowsItsMasterOverTls() throws Exception {
        int masterPort = TlsFixture.freePort();
        int replicaPort = TlsFixture.freePort();
        Issued replicaClient = certs.client("replica-client");
        try (ServerProcess master = TlsFixture.start(Files.createDirectories(dir.resolve("master")), certs,
                certs.server("master"), masterPort);
             ServerProcess replica = TlsFixture.start(Files.createDirectories(dir.resolve("replica")), certs,
                     certs.server("replica"), replicaPort, "--tls-replication", "yes",
                     "--tls-client-cert-file", replicaClient.cert().toString(),
                     "--tls-client-key-file", replicaClient.key().toString(),
                     "--replicaof", "127.0.0.1", Integer.toString(masterPort));
             Jedis onMaster = TlsFixture.jedis(certs, admin, masterPort);
             Jedis onReplica = TlsFixture.jedis(certs, admin, replicaPort)) {
            call(onMaster, "MMAP", "k", "k.f8", "double", "WRITABLE");
            call(onMaster, "VADD", "k", "1.5", "2.5");
            Poll.until(Duration.ofSeconds(60), "replicated", () -> call(onReplica, "VALL", "k"),
                    values -> List.of("1.5", "2.5").equals(values), replica::log);
            call(onMaster, "VSET", "k", "0", "7");
            Poll.until(Duration.ofSeconds(60), "streamed", () -> call(onReplica, "VGET", "k", "0"),
                    "7"::equals, replica::log);
            // The replica announces its TLS port: the one it can be reached on.
            assertThat(onMaster.info("replication")).contains("slave0:ip=127.0.0.1,port=" + replicaPort + ",state=online");
            assertThat(onReplica.info("replication")).contains("master_link_status:up");
            assertThat(onReplica.info("server")).contains("tcp_port:" + replicaPort);
        }
    }

    @Test
    void aReplicaWithoutTlsReplicationGetsNoLinkToATlsOnlyMaster() throws Exception {
        int masterPort = TlsFixture.freePort();
        try (ServerProcess master = TlsFixture.start(Files.createDirectories(dir.resolve("tls-master")), certs,
                certs.server("tls-master"), masterPort, "--loglevel", "verbose");
             ServerProcess replica = ServerProcess.start(Files.createDirectories(dir.resolve("plain-replica")),
                     "--replicaof", "127.0.0.1", Integer.toString(masterPort));
             Jedis onReplica = new Jedis("127.0.0.1", replica.port(), 10_000)) {
            master.awaitLog(Pattern.compile("Error accepting a client connection: not an SSL/TLS record"), Duration.ofSeconds(30));
            assertThat(onReplica.info("replication")).contains("master_link_status:down");
            try (Jedis onMaster = TlsFixture.jedis(certs, admin, masterPort)) {
                assertThat(onMaster.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void migrateMovesAnArrayOverTlsWithTlsCluster() throws Exception {
        int sourcePort = TlsFixture.freePort();
        int targetPort = TlsFixture.freePort();
        try (ServerProcess source = TlsFixture.start(Files.createDirectories(dir.resolve("source")), certs,
                certs.server("source"), sourcePort, "--tls-cluster", "yes");
             ServerProcess target = TlsFixture.start(Files.createDirectories(dir.resolve("target")), certs,
                     certs.server("target"), targetPort);
             Jedis from = TlsFixture.jedis(certs, admin, sourcePort);
             Jedis to = TlsFixture.jedis(certs, admin, targetPort)) {
            call(from, "MMAP", "moved", "moved.f8", "double", "WRITABLE");
            call(from, "VADD", "moved", "1.5", "2.5", "3.5");
            assertThat(call(from, "MIGRATE", "127.0.0.1", Integer.toString(targetPort), "moved", "0", "5000")).isEqualTo("OK");
            assertThat(call(to, "VALL", "moved")).isEqualTo(List.of("1.5", "2.5", "3.5"));
            assertThat(call(from, "EXISTS", "moved")).isEqualTo(0L);
            // Without tls-cluster the link is plain, and the TLS-only target does not answer it.
            call(to, "CONFIG", "SET", "tls-cluster", "no");
            assertThat(call(to, "MIGRATE", "127.0.0.1", Integer.toString(sourcePort), "moved", "0", "2000"))
                    .asString().startsWith("IOERR");
            assertThat(call(to, "VCOUNT", "moved")).isEqualTo(3L);
        }
    }

    /** A command's reply with bulk strings as text (an error reply as its text). */
    private static Object call(Jedis jedis, String command, String... args) {
        try {
            return text(jedis.sendCommand(() -> command.getBytes(StandardCharsets.UTF_8), args));
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    private static Object text(Object reply) {
        return switch (reply) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case List<?> list -> list.stream().map(TlsLinksTest::text).toList();
            case null, default -> reply;
        };
    }
}

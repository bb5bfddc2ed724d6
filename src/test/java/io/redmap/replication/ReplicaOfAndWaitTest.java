package io.redmap.replication;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The replication commands end to end between two servers: REPLICAOF / SLAVEOF, what a replica
 * sends (PSYNC, REPLCONF), WAIT, ROLE, and a promotion that keeps the old history as the second one.
 */
class ReplicaOfAndWaitTest {

    @Test
    void aReplicaTakesTheKeyspaceAndTheStreamAndWaitCountsIt() throws Exception {
        try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
             Jedis m = master.jedis(); Jedis r = replica.jedis()) {
            m.sendCommand(() -> "MMAP".getBytes(), "a", "a.bin", "double", "WRITABLE");
            m.sendCommand(() -> "VADD".getBytes(), "a", "1.5", "2.5", "3.5");

            assertThat(r.sendCommand(() -> "REPLICAOF".getBytes(), "127.0.0.1", Integer.toString(master.port())))
                    .isEqualTo("OK".getBytes());
            awaitTrue(() -> r.info("replication").contains("master_link_status:up"), "replica link up: " + r.info("replication"));
            assertThat(r.sendCommand(() -> "REPLICAOF".getBytes(), "127.0.0.1", Integer.toString(master.port())))
                    .isEqualTo("OK Already connected to specified master".getBytes());

            m.sendCommand(() -> "VINCRBYFLOAT".getBytes(), "a", "0", "0.1");
            m.sendCommand(() -> "VADD".getBytes(), "a", "4.5");
            assertThat(m.sendCommand(() -> "WAIT".getBytes(), "1", "5000")).isEqualTo(1L);
            awaitTrue(() -> Long.valueOf(4).equals(r.sendCommand(() -> "VCOUNT".getBytes(), "a")), "replica has 4 elements");
            assertThat(Files.readAllBytes(replica.path("a.bin"))).isEqualTo(Files.readAllBytes(master.path("a.bin")));

            assertThatThrownBy(() -> r.sendCommand(() -> "VSET".getBytes(), "a", "0", "9"))
                    .hasMessage("READONLY You can't write against a read only replica.");
        }
    }

    @Test
    void promotionKeepsTheOldHistoryAsTheSecondIdAndTheOldMasterContinues() throws Exception {
        try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
             Jedis m = master.jedis(); Jedis r = replica.jedis()) {
            m.sendCommand(() -> "MMAP".getBytes(), "c", "c.bin", "int64", "WRITABLE");
            r.sendCommand(() -> "SLAVEOF".getBytes(), "127.0.0.1", Integer.toString(master.port()));
            awaitTrue(() -> r.info("replication").contains("master_link_status:up"), "replica link up");
            m.sendCommand(() -> "VADD".getBytes(), "c", "1", "2");
            assertThat(m.sendCommand(() -> "WAIT".getBytes(), "1", "5000")).isEqualTo(1L);
            String oldId = field(m.info("replication"), "master_replid");

            assertThat(r.sendCommand(() -> "REPLICAOF".getBytes(), "NO", "ONE")).isEqualTo("OK".getBytes());
            assertThat(field(r.info("replication"), "role")).isEqualTo("master");
            assertThat(field(r.info("replication"), "master_replid2")).isEqualTo(oldId);
            r.sendCommand(() -> "VADD".getBytes(), "c", "3");

            m.sendCommand(() -> "REPLICAOF".getBytes(), "127.0.0.1", Integer.toString(replica.port()));
            awaitTrue(() -> m.info("replication").contains("master_link_status:up"), "old master follows the new one");
            assertThat(field(r.info("stats"), "sync_partial_ok")).isEqualTo("1");
            assertThat(field(r.info("stats"), "sync_full")).isEqualTo("0");
            awaitTrue(() -> Long.valueOf(3).equals(m.sendCommand(() -> "VCOUNT".getBytes(), "c")), "old master has the new write");

            List<Object> role = castList(r.sendCommand(() -> "ROLE".getBytes()));
            assertThat(new String((byte[]) role.get(0))).isEqualTo("master");
            List<Object> replicaRole = castList(m.sendCommand(() -> "ROLE".getBytes()));
            assertThat(new String((byte[]) replicaRole.get(0))).isEqualTo("slave");
            assertThat(replicaRole.get(2)).isEqualTo((long) replica.port());
            assertThat(new String((byte[]) replicaRole.get(3))).isEqualTo("connected");
        }
    }

    @Test
    void aCleanRestartContinuesButNotWithADeletedCatalogue() throws Exception {
        try (TestServer master = TestServer.start();
             TestServer replica = TestServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
             Jedis m = master.jedis()) {
            m.sendCommand(() -> "MMAP".getBytes(), "k", "k.bin", "int64", "WRITABLE");
            m.sendCommand(() -> "VADD".getBytes(), "k", "7");
            assertThat(m.sendCommand(() -> "WAIT".getBytes(), "1", "5000")).isEqualTo(1L);

            replica.restart();
            awaitTrue(() -> replicaLinkUp(replica), "replica up after a clean restart");
            assertThat(field(m.info("stats"), "sync_partial_ok")).isEqualTo("1");

            replica.server().close();
            Files.delete(replica.path("redmap.catalog"));
            replica.restart();
            awaitTrue(() -> replicaLinkUp(replica), "replica up after its catalogue was deleted");
            assertThat(field(m.info("stats"), "sync_full")).as("the kept offset is not for an empty catalogue").isEqualTo("2");
            try (Jedis r = replica.jedis()) {
                assertThat(r.sendCommand(() -> "VCOUNT".getBytes(), "k")).isEqualTo(1L);
            }
        }
    }

    private static boolean replicaLinkUp(TestServer replica) {
        try (Jedis r = replica.jedis()) {
            return r.info("replication").contains("master_link_status:up");
        }
    }

    @Test
    void psyncFromARawClientStartsAFullSyncWithTheManifest() throws Exception {
        try (TestServer master = TestServer.start(); RawClient raw = new RawClient(master.port());
             Jedis m = master.jedis()) {
            m.sendCommand(() -> "MMAP".getBytes(), "k", "k.bin", "int32", "WRITABLE");
            assertThat(raw.call("REPLCONF", "listening-port", "7777")).isEqualTo("+OK\r\n");
            assertThat(raw.call("REPLCONF", "no-such-option", "1")).isEqualTo("-ERR Unrecognized REPLCONF option: no-such-option\r\n");
            assertThat(raw.call("REPLCONF", "capa")).isEqualTo("-ERR syntax error\r\n");
            String fullResync = raw.command("PSYNC", "?", "-1").readLine();
            assertThat(fullResync).matches("\\+FULLRESYNC [0-9a-f]{40} 0\r\n");
            assertThat(raw.readReply()).contains("RDM.KEY").contains("k.bin").contains("int32");
            awaitTrue(() -> m.info("replication").contains("slave0:ip=127.0.0.1,port=7777,state=wait_bgsave"),
                    "the raw client is a syncing replica: " + m.info("replication"));
        }
    }

    @Test
    void waitWithoutReplicasTimesOutWithZeroAndRefusesBadArguments() {
        try (TestServer master = TestServer.start(); RawClient raw = new RawClient(master.port())) {
            assertThat(raw.call("WAIT", "0", "0")).isEqualTo(":0\r\n");
            assertThat(raw.call("WAIT", "1", "100")).isEqualTo(":0\r\n");
            assertThat(raw.call("WAIT", "1", "-1")).isEqualTo("-ERR timeout is negative\r\n");
            assertThat(raw.call("WAIT", "1", "x")).isEqualTo("-ERR timeout is not an integer or out of range\r\n");
            assertThat(raw.call("WAIT", "x", "1")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(raw.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void configAnswersUnderRedissOldNamesAndKeepsReplicaofForRewrite() throws Exception {
        try (TestServer master = TestServer.start();
             TestServer replica = TestServer.start("--slaveof", "127.0.0.1", Integer.toString(master.port()));
             RawClient raw = new RawClient(replica.port())) {
            String address = "127.0.0.1 " + master.port();
            assertThat(raw.call("CONFIG", "GET", "replicaof"))
                    .isEqualTo("*2\r\n$9\r\nreplicaof\r\n$" + address.length() + "\r\n" + address + "\r\n");
            assertThat(raw.call("CONFIG", "GET", "slaveof"))
                    .isEqualTo("*2\r\n$7\r\nslaveof\r\n$" + address.length() + "\r\n" + address + "\r\n");
            assertThat(raw.call("CONFIG", "SET", "replicaof", "127.0.0.1 1"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config\r\n");
            assertThat(raw.call("CONFIG", "SET", "slave-read-only", "no")).isEqualTo("+OK\r\n");
            assertThat(raw.call("CONFIG", "GET", "replica-read-only"))
                    .isEqualTo("*2\r\n$17\r\nreplica-read-only\r\n$2\r\nno\r\n");
            assertThat(raw.call("REPLICAOF", "NO", "ONE")).isEqualTo("+OK\r\n");
            assertThat(raw.call("CONFIG", "GET", "replicaof")).isEqualTo("*2\r\n$9\r\nreplicaof\r\n$0\r\n\r\n");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(Object reply) {
        return (List<Object>) reply;
    }

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no field " + name + " in " + info);
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}

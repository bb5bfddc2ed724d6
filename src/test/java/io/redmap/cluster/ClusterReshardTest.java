package io.redmap.cluster;

import io.redmap.testing.ClusterProcesses;
import io.redmap.testing.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Slots move with Redis's own tools: {@code redis-cli --cluster reshard} (CLUSTER SETSLOT and
 * MIGRATE) moves a slot holding an array while JedisCluster keeps appending to it, and nothing
 * acknowledged is lost; MIGRATE's own answers (NOKEY, BUSYKEY, COPY, REPLACE, an unreachable
 * target) as Redis gives them. Three masters with a replica each, real processes on loopback.
 */
class ClusterReshardTest {
    private enum Array implements ProtocolCommand {
        MMAP, VADD, VCOUNT, VALL, VGET;

        @Override
        public byte[] getRaw() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    @RegisterExtension
    static final ClusterProcesses cluster = ClusterProcesses.of(3);
    private static final List<Jedis> clients = new ArrayList<>();

    @BeforeAll
    static void connect() {
        for (int port : cluster.ports()) {
            clients.add(new Jedis("127.0.0.1", port));
        }
    }

    @AfterAll
    static void disconnect() {
        clients.forEach(Jedis::close);
    }

    /** Node {@code i}: shard i's master for i < 3, shard (i - 3)'s replica after. */
    private static int port(int node) {
        return cluster.ports().get(node);
    }

    @Test
    void reshardMovesASlotWithAnArrayWhileAClientKeepsAppending() throws Exception {
        // The lowest slot of shard a is the first that reshard takes from it.
        String key = keyInSlot(0, "appended");
        String source = clients.get(0).clusterMyId();
        String target = clients.get(1).clusterMyId();
        AtomicLong acknowledged = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new ArrayList<>();
        try (JedisCluster jedisCluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", port(0))))) {
            jedisCluster.sendCommand(key.getBytes(StandardCharsets.UTF_8), Array.MMAP, bytes(key), bytes("appended.bin"),
                    bytes("double"), bytes("WRITABLE"));
            Thread appender = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        long next = acknowledged.get();
                        jedisCluster.sendCommand(key.getBytes(StandardCharsets.UTF_8), Array.VADD, bytes(key),
                                bytes(Long.toString(next)));
                        acknowledged.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            await(10, "appending", () -> acknowledged.get() > 200);
            Process reshard = new ProcessBuilder("redis-cli", "--cluster", "reshard", "127.0.0.1:" + port(0),
                    "--cluster-from", source, "--cluster-to", target, "--cluster-slots", "1", "--cluster-yes")
                    .redirectErrorStream(true).start();
            String output = new String(reshard.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reshard.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(reshard.exitValue()).as(output).isZero();
            assertThat(output).contains("Moving slot 0 from 127.0.0.1:" + port(0));
            long before = acknowledged.get();
            await(10, "appending after the move", () -> acknowledged.get() > before + 200);
            stop.set(true);
            appender.join();
            assertThat(failures).isEmpty();

            long count = (Long) jedisCluster.sendCommand(key.getBytes(StandardCharsets.UTF_8), Array.VCOUNT, bytes(key));
            assertThat(count).isEqualTo(acknowledged.get());
            List<?> values = (List<?>) jedisCluster.sendCommand(key.getBytes(StandardCharsets.UTF_8), Array.VALL, bytes(key));
            for (int i = 0; i < values.size(); i++) {
                assertThat(Double.parseDouble(new String((byte[]) values.get(i), StandardCharsets.UTF_8))).isEqualTo(i);
            }
        }
        // The key lives on shard b now, with its file; shard a kept neither.
        assertThat(clients.get(1).exists(key)).isTrue();
        assertThat(clients.get(0).keys("*")).doesNotContain(key);
        assertThat(cluster.dir(port(1)).resolve("appended.bin")).exists();
        assertThat(cluster.dir(port(0)).resolve("appended.bin")).doesNotExist();
        // Every node, replicas included, names shard b's master for slot 0.
        for (int node : cluster.ports()) {
            assertThat(cluster.query(node, Jedis::clusterNodes)).contains(target + " 127.0.0.1:" + port(1));
            Poll.until(Duration.ofSeconds(10), "slot 0 served by shard b", () -> cluster.masterPortOf(node, 0),
                    master -> master == port(1), cluster::logs);
        }
        // Shard b's replica has the array too (a full sync brought its file).
        Jedis replica = clients.get(4);
        replica.sendCommand(() -> bytes("READONLY"));
        await(20, "the array on shard b's replica", () -> replica.exists(key));
        assertThat(replica.sendCommand(Array.VCOUNT, key)).isEqualTo(acknowledged.get());
        assertThat(check(port(2))).contains("[OK] All nodes agree about slots configuration.",
                "[OK] All 16384 slots covered.");
    }

    @Test
    void migrateAnswersAsRedisDoes() throws Exception {
        Jedis c = clients.get(2);
        int targetPort = port(1);
        String key = keyInSlot(16000, "m");
        c.sendCommand(Array.MMAP, key, "m.bin", "double", "WRITABLE");
        c.sendCommand(Array.VADD, key, "1", "2", "3");

        assertThat(c.migrate("127.0.0.1", targetPort, keyInSlot(16000, "missing"), 0, 5000)).isEqualTo("NOKEY");
        // As Redis routes MIGRATE by its keys (getNodeByQuery): a key of a slot served elsewhere is redirected.
        assertThatThrownBy(() -> c.migrate("127.0.0.1", targetPort, keyInSlot(100, "elsewhere"), 0, 5000))
                .hasMessageStartingWith("MOVED 100 ");
        assertThatThrownBy(() -> c.sendCommand(() -> bytes("MIGRATE"), "127.0.0.1", Integer.toString(targetPort), key,
                "0", "5000", "KEYS", key)).hasMessage(
                "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
        assertThatThrownBy(() -> c.sendCommand(() -> bytes("MIGRATE"), "127.0.0.1", Integer.toString(targetPort), key,
                "0", "5000", "SIDEWAYS")).hasMessage("ERR syntax error");

        // A target that cannot be reached: the key stays here, served.
        int closedPort = ClusterProcesses.freePorts(1).getFirst();
        assertThatThrownBy(() -> c.migrate("127.0.0.1", closedPort, key, 0, 5000))
                .isInstanceOf(JedisDataException.class).hasMessage("IOERR error or timeout connecting to the client");
        assertThat(c.sendCommand(Array.VCOUNT, key)).isEqualTo(3L);

        // COPY leaves the key here; a second MIGRATE meets it there (BUSYKEY) unless REPLACE. The
        // target imports the slot, so that ASKING lets us look at what arrived.
        Jedis b = clients.get(1);
        b.clusterSetSlotImporting(16000, c.clusterMyId());
        try {
            copyThenReplace(c, b, key, targetPort);
        } finally {
            b.clusterSetSlotStable(16000);
        }
    }

    private static void copyThenReplace(Jedis c, Jedis b, String key, int targetPort) {
        assertThat(c.sendCommand(() -> bytes("MIGRATE"), "127.0.0.1", Integer.toString(targetPort), key, "0", "5000",
                "COPY")).isEqualTo(bytes("OK"));
        assertThat(c.exists(key)).isTrue();
        b.sendCommand(() -> bytes("ASKING"));
        assertThat(b.sendCommand(Array.VCOUNT, key)).isEqualTo(3L);
        c.sendCommand(Array.VADD, key, "4");
        assertThatThrownBy(() -> c.migrate("127.0.0.1", targetPort, key, 0, 5000)).hasMessage(
                "ERR Target instance replied with error: BUSYKEY Target key name already exists.");
        assertThat(c.sendCommand(() -> bytes("MIGRATE"), "127.0.0.1", Integer.toString(targetPort), "", "0", "5000",
                "REPLACE", "KEYS", key)).isEqualTo(bytes("OK"));
        assertThat(c.exists(key)).isFalse();
        b.sendCommand(() -> bytes("ASKING"));
        assertThat(b.sendCommand(Array.VCOUNT, key)).isEqualTo(4L);
        b.sendCommand(() -> bytes("ASKING"));
        assertThat(new String((byte[]) b.sendCommand(Array.VGET, key, "3"), StandardCharsets.UTF_8)).isEqualTo("4");
        b.sendCommand(() -> bytes("ASKING"));
        b.del(key);
    }

    private static void await(int seconds, String what, BooleanSupplier condition) {
        Poll.until(Duration.ofSeconds(seconds), what, condition::getAsBoolean, done -> done, () -> "");
    }

    private static String check(int port) throws IOException, InterruptedException {
        Process check = new ProcessBuilder("redis-cli", "--cluster", "check", "127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        return output;
    }

    /** A key of the given slot: {@code prefix{tag}} with the first tag that hashes there. */
    private static String keyInSlot(int slot, String prefix) {
        for (int i = 0; ; i++) {
            String tag = "t" + i;
            if (SlotHash.slot(bytes(tag)) == slot) {
                return prefix + "{" + tag + "}";
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

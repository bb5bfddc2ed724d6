package io.redmap.replication;

import io.redmap.testing.Poll;
import io.redmap.testing.SentinelProcess;
import io.redmap.testing.Sentinels;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.util.SafeEncoder;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole of SPEC F's Sentinel promise, with real redis-sentinels and redmap processes: a
 * master and two replicas, each with its own dir and config file; kill -9 the master; the
 * Sentinels promote a replica, which holds every write that WAIT acknowledged and takes new ones
 * (also through JedisSentinelPool), the other replica follows it, and the old master, restarted
 * on its port, dir and config file, is turned into a replica of the new one and converges to it.
 * CONFIG REWRITE (in Sentinel's transactions) leaves each config file saying the server's role.
 *
 * <p>Needs replication (REPLICAOF, PSYNC, WAIT): until it lands, this test fails at the first
 * replica's start ({@code --replicaof} is an unknown option).
 */
class SentinelFailoverTest {
    private static final String MASTER = "mymaster";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /**
     * Not 1 s: the promoted replica's CLIENT KILL TYPE normal drops the other Sentinels' links to
     * it, and on a loaded two-core machine a link that cannot PING again within 1 s makes them
     * fail the new master over too (seen with redis-server in place of redmap).
     */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(3);

    @TempDir
    Path root;

    @Test
    void aReplicaIsPromotedWhenTheMasterIsKilledAndTheOldMasterComesBackAsItsReplica() throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(new Node(root.resolve("node" + i), freePort()));
        }
        Node first = nodes.getFirst();
        try {
            first.start();
            for (Node replica : nodes.subList(1, 3)) {
                replica.start("--replicaof", "127.0.0.1", Integer.toString(first.port));
            }
            try (Jedis master = first.jedis()) {
                assertThat(call(master, "MMAP", "k", "k.i8", "int64", "WRITABLE")).isEqualTo(0L);
                assertThat(call(master, "VADD", "k", "1", "2", "3")).isEqualTo(3L);
                assertThat(master.waitReplicas(2, 10_000)).as("WAIT 2 10000").isEqualTo(2L);
            }
            try (Sentinels sentinels = Sentinels.start(3, MASTER, first.port, 2, DOWN_AFTER)) {
                sentinels.awaitEach(info -> info.get("flags").equals("master") && info.get("num-slaves").equals("2")
                        && info.get("num-other-sentinels").equals("2"), "seeing the master, 2 replicas, 2 sentinels", TIMEOUT);

                first.process.kill();
                // Promoted: every Sentinel names the same other server as the master.
                int promoted = Poll.until(TIMEOUT, "agreeing on a promoted replica", () -> sentinels.all().stream()
                        .map(sentinel -> sentinel.masterAddress().orElseThrow().getPort()).distinct().toList(),
                        ports -> ports.size() == 1 && ports.getFirst() != first.port, sentinels::logs).getFirst();
                Node newMaster = nodes.stream().filter(node -> node.port == promoted).findFirst().orElseThrow();
                Node other = nodes.stream().filter(node -> node != first && node != newMaster).findFirst().orElseThrow();

                try (Jedis jedis = newMaster.jedis()) {
                    assertThat(jedis.role().getFirst()).isEqualTo("master");
                    assertThat(call(jedis, "VCOUNT", "k")).as("every acknowledged write is on the new master").isEqualTo(3L);
                    assertThat(call(jedis, "VADD", "k", "4")).isEqualTo(1L);
                }
                awaitReplicaOf(other, promoted, sentinels);

                // A client that finds the master through Sentinel writes to the promoted replica.
                Set<String> addresses = new LinkedHashSet<>(sentinels.addresses());
                try (JedisSentinelPool pool = new JedisSentinelPool(MASTER, addresses); Jedis jedis = pool.getResource()) {
                    assertThat(pool.getCurrentHostMaster().getPort()).isEqualTo(promoted);
                    assertThat(call(jedis, "VADD", "k", "5")).isEqualTo(1L);
                }

                first.restart();
                awaitReplicaOf(first, promoted, sentinels);
                try (Jedis jedis = newMaster.jedis(); Jedis old = first.jedis()) {
                    assertThat(jedis.waitReplicas(2, 10_000)).as("WAIT 2 10000 on the new master").isEqualTo(2L);
                    assertThat(call(old, "VALL", "k")).as("the old master converged").isEqualTo(call(jedis, "VALL", "k"))
                            .isEqualTo(List.of(1L, 2L, 3L, 4L, 5L));
                }
                for (SentinelProcess sentinel : sentinels.all()) {
                    Poll.until(TIMEOUT, "seeing the new master up with its 2 replicas up (sentinel on port "
                            + sentinel.port() + ")", sentinel::replicas, replicas -> replicas.size() == 2
                            && replicas.stream().allMatch(replica -> replica.get("flags").equals("slave"))
                            && sentinel.info().get("flags").equals("master"), sentinels::logs);
                }

                // CONFIG REWRITE, in Sentinel's transactions, recorded each role in its config file.
                assertThat(Files.readString(newMaster.config)).as("the promoted replica's config file")
                        .doesNotContainPattern("(?m)^(replicaof|slaveof) ");
                assertThat(Files.readString(first.config)).as("the old master's config file")
                        .containsPattern("(?m)^(replicaof|slaveof) 127\\.0\\.0\\.1 " + promoted + "$");
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    /** A redmap process with its own dir and config file, restartable on the same port. */
    private static final class Node {
        final Path dir;
        final Path config;
        final int port;
        ServerProcess process;

        Node(Path dir, int port) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.config = dir.resolve("redmap.conf");
            this.port = port;
            Files.writeString(config, "# written by SentinelFailoverTest; CONFIG REWRITE rewrites it\n");
        }

        void start(String... options) {
            List<String> all = new ArrayList<>(List.of("--port", Integer.toString(port)));
            all.addAll(List.of(options));
            process = ServerProcess.startWithConfig(dir, config, all.toArray(String[]::new));
        }

        void restart() {
            process = process.restart();
        }

        Jedis jedis() {
            return new Jedis("127.0.0.1", port, 10_000);
        }

        void close() {
            if (process != null) {
                process.close();
            }
        }
    }

    private static void awaitReplicaOf(Node node, int masterPort, Sentinels sentinels) {
        Poll.until(TIMEOUT, "a replica of port " + masterPort + " with its link up (port " + node.port + ")", () -> {
            try (Jedis jedis = node.jedis()) {
                return jedis.role();
            }
        }, role -> role.size() >= 4 && role.get(0).equals("slave") && role.get(2).equals((long) masterPort)
                && role.get(3).equals("connected"), () -> node.process.log() + "\n" + sentinels.logs());
    }

    private static Object call(Jedis jedis, String name, String... args) {
        return SafeEncoder.encodeObject(jedis.sendCommand(() -> SafeEncoder.encode(name), args));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

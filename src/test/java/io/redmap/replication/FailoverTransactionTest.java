package io.redmap.replication;

import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction a Sentinel sends to the replica it promotes (and, with {@code SLAVEOF host
 * port}, to each server it turns into a replica), sent by hand to redmap and to a real
 * redis-server, both started with a config file: every command is queued, EXEC's reply is the
 * same bytes, and the two CLIENT KILLs close the other clients but not the caller.
 *
 * <p>Sentinel 7.0 ({@code sentinelSendSlaveOf}) sends exactly these commands on its command link:
 * {@code MULTI}, {@code SLAVEOF NO ONE}, {@code CONFIG REWRITE}, {@code CLIENT KILL TYPE normal},
 * {@code CLIENT KILL TYPE pubsub}, {@code EXEC}.
 */
class FailoverTransactionTest {
    private static final String[][] TRANSACTION = {
            {"MULTI"},
            {"SLAVEOF", "NO", "ONE"},
            {"CONFIG", "REWRITE"},
            {"CLIENT", "KILL", "TYPE", "normal"},
            {"CLIENT", "KILL", "TYPE", "pubsub"},
            {"EXEC"}};

    @TempDir
    Path dir;

    /** Fails until SLAVEOF lands with replication (tagged so that a build can tell the two apart meanwhile). */
    @Test
    void sentinelsPromotionTransactionIsRedissByteForByte() throws Exception {
        Path config = dir.resolve("redmap.conf");
        Files.writeString(config, "# a master's config file, as Sentinel's CONFIG REWRITE expects one\n");
        try (ServerProcess redmap = ServerProcess.startWithConfig(dir, config);
                RealRedis redis = RealRedis.startWithConfig()) {
            Outcome ours = run(redmap.port(), TRANSACTION);
            Outcome theirs = run(redis.port(), TRANSACTION);

            assertThat(theirs.replies()).as("Redis's replies (the reference)").containsExactly(
                    "+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "+QUEUED\r\n",
                    "*4\r\n+OK\r\n+OK\r\n:1\r\n:1\r\n");
            for (int i = 0; i < TRANSACTION.length; i++) {
                assertThat(ours.replies().get(i)).as("reply to %s; server log:%n%s", String.join(" ", TRANSACTION[i]),
                        redmap.log()).isEqualTo(theirs.replies().get(i));
            }
            assertThat(ours.callerOpen()).as("the caller survives its own CLIENT KILL TYPE normal").isTrue();
            assertThat(ours.normalClosed()).as("the other normal client is killed").isTrue();
            assertThat(ours.subscriberClosed()).as("the subscriber is killed").isTrue();
            assertThat(theirs).isEqualTo(ours);

            // CONFIG REWRITE wrote the file the server was started with: it keeps what it said.
            assertThat(Files.readString(config)).contains("# a master's config file");
        }
    }

    /**
     * The transaction that turns a server into a replica of the new master (an old master come
     * back, a replica of the old one): the same with {@code SLAVEOF host port}. Both servers are
     * pointed at a port where nothing listens (they keep trying; the replies do not wait for the
     * link), and CONFIG REWRITE records the new role in each one's config file.
     */
    @Test
    void sentinelsReconfigurationTransactionIsRedissByteForByte() throws Exception {
        String nowhere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nowhere = Integer.toString(socket.getLocalPort());
        }
        String[][] reconfigure = TRANSACTION.clone();
        reconfigure[1] = new String[] {"SLAVEOF", "127.0.0.1", nowhere};
        Path config = dir.resolve("redmap.conf");
        Files.writeString(config, "# a master's config file, as Sentinel's CONFIG REWRITE expects one\n");
        try (ServerProcess redmap = ServerProcess.startWithConfig(dir, config);
                RealRedis redis = RealRedis.startWithConfig()) {
            Outcome ours = run(redmap.port(), reconfigure);
            Outcome theirs = run(redis.port(), reconfigure);

            assertThat(theirs).as("Redis's outcome (the reference)").isEqualTo(new Outcome(List.of("+OK\r\n",
                    "+QUEUED\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "*4\r\n+OK\r\n+OK\r\n:1\r\n:1\r\n"),
                    true, true, true));
            assertThat(Files.readString(redis.configFile())).containsPattern("(?m)^replicaof 127\\.0\\.0\\.1 " + nowhere + "$");
            assertThat(ours).as("server log:%n%s", redmap.log()).isEqualTo(theirs);
            assertThat(Files.readString(config)).contains("# a master's config file")
                    .containsPattern("(?m)^replicaof 127\\.0\\.0\\.1 " + nowhere + "$");
        }
    }

    /**
     * The same transaction without its SLAVEOF, which redmap runs today: CONFIG REWRITE and the
     * two CLIENT KILLs queued and run inside EXEC as Redis runs them. When the test above fails,
     * this one tells whether anything but SLAVEOF is at fault.
     */
    @Test
    void theRestOfTheTransactionIsRedissByteForByte() throws Exception {
        String[][] withoutSlaveof = {TRANSACTION[0], TRANSACTION[2], TRANSACTION[3], TRANSACTION[4], TRANSACTION[5]};
        Path config = dir.resolve("redmap.conf");
        Files.writeString(config, "# a master's config file, as Sentinel's CONFIG REWRITE expects one\n");
        try (ServerProcess redmap = ServerProcess.startWithConfig(dir, config);
                RealRedis redis = RealRedis.startWithConfig()) {
            Outcome ours = run(redmap.port(), withoutSlaveof);
            Outcome theirs = run(redis.port(), withoutSlaveof);
            assertThat(theirs).isEqualTo(new Outcome(List.of("+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "+QUEUED\r\n",
                    "*3\r\n+OK\r\n:1\r\n:1\r\n"), true, true, true));
            assertThat(ours).as("server log:%n%s", redmap.log()).isEqualTo(theirs);
            assertThat(Files.readString(config)).contains("# a master's config file");
        }
    }

    /** What the transaction did on one server: the replies, and which connections survived it. */
    record Outcome(List<String> replies, boolean callerOpen, boolean normalClosed, boolean subscriberClosed) {
    }

    /** Runs {@code transaction} on one connection while a normal client and a subscriber are connected. */
    private static Outcome run(int port, String[][] transaction) {
        try (RawClient sentinel = new RawClient(port); RawClient normal = new RawClient(port);
                RawClient subscriber = new RawClient(port)) {
            assertThat(normal.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(subscriber.call("SUBSCRIBE", "news")).startsWith("*3\r\n$9\r\nsubscribe\r\n");
            sentinel.call("CLIENT", "SETNAME", "sentinel-0000000-cmd");
            List<String> replies = new ArrayList<>();
            for (String[] command : transaction) {
                replies.add(sentinel.call(command));
            }
            boolean callerOpen = sentinel.call("PING").equals("+PONG\r\n");
            // An EXEC that ran nothing killed nobody: no need to wait the read timeout to see it.
            boolean ran = replies.getLast().startsWith("*");
            return new Outcome(replies, callerOpen, ran && normal.closedByServer(), ran && subscriber.closedByServer());
        }
    }
}

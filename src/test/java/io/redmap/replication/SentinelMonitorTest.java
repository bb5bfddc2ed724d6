package io.redmap.replication;

import io.redmap.testing.Poll;
import io.redmap.testing.SentinelProcess;
import io.redmap.testing.Sentinels;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redmap master under real, unmodified Debian redis-sentinels: what Sentinel 7 does to a master
 * before any failover. Sentinels find each other only through the master's
 * {@code __sentinel__:hello} channel (SUBSCRIBE and PUBLISH on redmap), read its role and run id
 * from INFO, name their two connections with CLIENT SETNAME, authenticate with {@code auth-pass},
 * and agree that it is down (subjectively, then objectively with a quorum) once it is killed.
 * Every failure message carries the Sentinels' logs.
 */
class SentinelMonitorTest {
    private static final String MASTER = "mymaster";
    /** Ceilings for things Sentinel does within a few seconds (hello messages every 2 s, INFO every 10 s). */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void threeSentinelsSeeTheMasterAndFindEachOtherThroughItsHelloChannel() {
        try (ServerProcess master = ServerProcess.start(dir);
                Sentinels sentinels = Sentinels.start(3, MASTER, master.port(), 2, Duration.ofSeconds(5));
                Jedis jedis = new Jedis("127.0.0.1", master.port(), 10_000)) {
            String runId = infoField(jedis.info("server"), "run_id");
            sentinels.awaitEach(info -> flags(info).equals(Set.of("master")) && info.get("num-other-sentinels").equals("2")
                    && info.get("runid").equals(runId), "finding the 2 other sentinels and the master's run_id", TIMEOUT);

            for (SentinelProcess sentinel : sentinels.all()) {
                Map<String, String> info = sentinel.info();
                assertThat(flags(info)).as("flags; %s", sentinel.logs()).containsExactly("master");
                assertThat(info).as(sentinel.logs())
                        .containsEntry("ip", "127.0.0.1")
                        .containsEntry("port", Integer.toString(master.port()))
                        .containsEntry("runid", runId)
                        .containsEntry("role-reported", "master")
                        .containsEntry("num-slaves", "0")
                        .containsEntry("quorum", "2");
                assertThat(sentinel.masterAddress()).as(sentinel.logs()).hasValueSatisfying(address -> {
                    assertThat(address.getHost()).isEqualTo("127.0.0.1");
                    assertThat(address.getPort()).isEqualTo(master.port());
                });
                // Each knows the two others by the address they announced in their hello messages,
                // and connects to them (a new one is "sentinel,disconnected" for a moment).
                List<Map<String, String>> others = Poll.until(TIMEOUT, "connected to the 2 other sentinels",
                        sentinel::sentinels, found -> found.size() == 2
                                && found.stream().allMatch(other -> other.get("flags").equals("sentinel")),
                        sentinel::logs);
                assertThat(others).as(sentinel.logs()).extracting(other -> other.get("port"))
                        .containsExactlyInAnyOrderElementsOf(sentinels.all().stream().filter(s -> s != sentinel)
                                .map(s -> Integer.toString(s.port())).toList());
            }

            // On the master: each Sentinel's command link and Pub/Sub link, named by CLIENT SETNAME
            // after the first 8 characters of the Sentinel's id; the Pub/Sub link subscribed to hello.
            String clients = jedis.clientList();
            for (SentinelProcess sentinel : sentinels.all()) {
                String prefix = "sentinel-" + sentinel.id().substring(0, 8);
                assertThat(clients).as("CLIENT LIST").containsPattern("name=" + prefix + "-cmd .* flags=N ")
                        .containsPattern("name=" + prefix + "-pubsub .* flags=P .* sub=1 psub=0 .* cmd=subscribe ");
            }
            assertThat(jedis.pubsubNumSub("__sentinel__:hello")).isEqualTo(Map.of("__sentinel__:hello", 3L));
            assertThat(jedis.pubsubChannels()).containsExactly("__sentinel__:hello");
        }
    }

    @Test
    void sentinelsAuthenticateWithAuthPass() {
        try (ServerProcess master = ServerProcess.start(dir, "--requirepass", "s3cret");
                Sentinels withPassword = Sentinels.start(2, MASTER, master.port(), 2, Duration.ofSeconds(5),
                        "sentinel auth-pass " + MASTER + " s3cret");
                SentinelProcess withoutPassword = SentinelProcess.start(MASTER, master.port(), 1, Duration.ofSeconds(1));
                Jedis jedis = new Jedis("127.0.0.1", master.port(), 10_000)) {
            jedis.auth("s3cret");
            String runId = infoField(jedis.info("server"), "run_id");
            withPassword.awaitEach(info -> flags(info).equals(Set.of("master")) && info.get("runid").equals(runId)
                    && info.get("num-other-sentinels").equals("1"), "reading the master's INFO and hello messages after AUTH",
                    TIMEOUT);
            for (SentinelProcess sentinel : withPassword.all()) {
                assertThat(flags(sentinel.info())).as(sentinel.logs()).containsExactly("master");
                assertThat(sentinel.info()).containsEntry("role-reported", "master");
            }
            // The control: a Sentinel without the password gets -NOAUTH for its PINGs, which are
            // no valid reply, so it holds the master for down; it never learns the run id.
            Map<String, String> refused = withoutPassword.awaitMaster(info -> flags(info).contains("s_down"),
                    "taking the master for down without the password", TIMEOUT);
            assertThat(refused.get("runid")).isEmpty();
            assertThat(flags(withPassword.get(0).info())).as(withPassword.logs()).containsExactly("master");
        }
    }

    @Test
    void aKilledMasterIsSubjectivelyThenObjectivelyDownAndBackWhenRestarted() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // The same port across the restart, as a master on a machine has: the Sentinels know it by its address.
        ServerProcess master = ServerProcess.start(dir, "--port", Integer.toString(port));
        try (Sentinels sentinels = Sentinels.start(3, MASTER, port, 2, Duration.ofMillis(1000))) {
            sentinels.awaitEach(info -> flags(info).equals(Set.of("master")) && info.get("num-other-sentinels").equals("2"),
                    "seeing the master and the 2 other sentinels", TIMEOUT);

            master.kill();
            // Each Sentinel finds it down by itself (s_down), then with the others' opinions
            // (o_down, 2 of 3). There is no replica to promote: the master's address stays.
            sentinels.awaitEach(info -> flags(info).containsAll(Set.of("master", "s_down", "o_down")),
                    "holding the killed master for objectively down", TIMEOUT);
            for (SentinelProcess sentinel : sentinels.all()) {
                assertThat(sentinel.log()).as(sentinel.logs()).contains("+sdown master " + MASTER + " 127.0.0.1 " + port)
                        .contains("+odown master " + MASTER + " 127.0.0.1 " + port);
                assertThat(sentinel.masterAddress()).as(sentinel.logs())
                        .hasValueSatisfying(address -> assertThat(address.getPort()).isEqualTo(port));
            }
            // The failover that one of them leads finds no replica to promote.
            Poll.until(TIMEOUT, "aborting the failover for lack of a replica", sentinels::logs,
                    logs -> logs.contains("-failover-abort-no-good-slave master " + MASTER), () -> "");

            master = master.restart();
            assertThat(master.port()).isEqualTo(port);
            sentinels.awaitEach(info -> flags(info).equals(Set.of("master")),
                    "seeing the restarted master up again", TIMEOUT);
        } finally {
            master.close();
        }
    }

    /** SENTINEL MASTER's {@code flags}: comma-separated, e.g. {@code s_down,o_down,master}. */
    static Set<String> flags(Map<String, String> info) {
        return Set.of(info.get("flags").split(","));
    }

    static String infoField(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":")).map(line -> line.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in INFO:\n" + info));
    }
}

package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLIENT PAUSE as Redis 7: paused commands wait and then run (they never fail), WRITE mode lets
 * reads through; CLIENT REPLY OFF/SKIP silence replies through a real client connection.
 */
class ClientPauseAndReplyTest {
    @Test
    void writesWaitForUnpauseWhileReadsGoThroughInWriteMode() throws Exception {
        try (TestServer server = TestServer.start(); Jedis admin = server.jedis();
             RawClient writer = new RawClient(server.port()); RawClient reader = new RawClient(server.port())) {
            assertThat(writer.call("MMAP", "k", "k.bin")).isEqualTo(":0\r\n");
            assertThat(admin.clientPause(60_000, ClientPauseMode.WRITE)).isEqualTo("OK");

            writer.command("VADD", "k", "1.5");
            // A read from the same connection would queue behind the write; another connection reads at once.
            assertThat(reader.call("VCOUNT", "k")).isEqualTo(":0\r\n");
            assertThat(reader.call("PING")).isEqualTo("+PONG\r\n");

            assertThat(admin.clientUnpause()).isEqualTo("OK");
            assertThat(writer.readReply()).as("the paused VADD ran after UNPAUSE").isEqualTo(":1\r\n");
            assertThat(reader.call("VCOUNT", "k")).isEqualTo(":1\r\n");
        }
    }

    @Test
    void allModeHoldsEveryCommandUntilTheDeadlineThenRunsIt() throws Exception {
        try (TestServer server = TestServer.start(); Jedis admin = server.jedis(); Jedis other = server.jedis()) {
            assertThat(admin.clientPause(300)).isEqualTo("OK");
            CompletableFuture<String> ping = CompletableFuture.supplyAsync(other::ping);
            assertThat(ping.get(30, TimeUnit.SECONDS)).as("answered, not refused, once the pause ends").isEqualTo("PONG");
            assertThat(other.echo("after")).isEqualTo("after");
        }
    }

    @Test
    void replyOffAndSkipSilenceRepliesUntilTurnedBackOn() {
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port())) {
            client.command("CLIENT", "REPLY", "OFF").command("ECHO", "silent").command("MMAP", "q", "q.bin");
            client.command("CLIENT", "REPLY", "ON");
            assertThat(client.readReply()).as("only ON's reply was sent").isEqualTo("+OK\r\n");
            assertThat(client.call("VCOUNT", "q")).as("the silenced MMAP still ran").isEqualTo(":0\r\n");
            client.command("CLIENT", "REPLY", "SKIP").command("ECHO", "skipped").command("ECHO", "seen");
            assertThat(client.readReply()).isEqualTo("$4\r\nseen\r\n");
        }
    }

    @Test
    void trackingIsOffAndSaysSoAsRedisDoesWithoutTracking() {
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port())) {
            assertThat(client.call("CLIENT", "TRACKING", "off")).isEqualTo("+OK\r\n");
            assertThat(client.call("CLIENT", "TRACKING", "on")).startsWith("-ERR CLIENT TRACKING ON is not supported");
            assertThat(client.call("CLIENT", "GETREDIR")).isEqualTo(":-1\r\n");
            assertThat(client.call("CLIENT", "TRACKINGINFO")).isEqualTo(
                    "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n");
            assertThat(client.call("CLIENT", "CACHING", "yes")).isEqualTo("-ERR CLIENT CACHING can be called only when the "
                    + "client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n");
            assertThat(client.call("CLIENT", "UNBLOCK", "1")).isEqualTo(":0\r\n");
            assertThat(client.call("CLIENT", "UNBLOCK", "1", "bogus")).isEqualTo("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
        }
    }

    @Test
    void configHelpAndGetKeysAndFlagsAnswerAsRedis72() {
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port())) {
            assertThat(client.call("CONFIG", "HELP")).startsWith("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. "
                    + "Subcommands are:\r\n").endsWith("+HELP\r\n+    Print this help.\r\n");
            assertThat(client.call("COMMAND", "GETKEYSANDFLAGS", "DEL", "a", "b")).isEqualTo(
                    "*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RM\r\n+delete\r\n");
            assertThat(client.call("COMMAND", "GETKEYSANDFLAGS", "VADD", "v", "1")).isEqualTo(
                    "*1\r\n*2\r\n$1\r\nv\r\n*2\r\n+RW\r\n+insert\r\n");
        }
    }
}

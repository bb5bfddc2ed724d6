package io.redmap.pubsub;

import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes of Pub/Sub exchanges, RESP2 (subscribed mode) and RESP3 (push messages): the
 * same script, a subscriber and a publisher on two connections, gives what Debian's
 * redis-server 7.0 gives. A few replies are also pinned literally, so that the test holds
 * (and can fail) where there is no redis-server to compare with.
 */
class PubSubWireTest {
    /** Lines starting with {@code >} are sent by the publisher; the others by the subscriber. */
    private static final String[] RESP2_SCRIPT = {
            "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUBSCRIBE a b", "ECHO x", "CLIENT LIST", "PUBSUB NUMPAT", "PING", "PING hi",
            ">PUBLISH a hello", ">PUBLISH zz nobody", "PSUBSCRIBE a* b", ">PUBLISH a hello", ">PUBSUB NUMSUB a b zz",
            ">PUBSUB NUMPAT", ">PUBSUB CHANNELS b*", "UNSUBSCRIBE b", ">PUBSUB CHANNELS", ">PUBSUB NUMSUB",
            // Redis answers a bare (P)UNSUBSCRIBE in its hash table's order: one left each, to compare.
            "UNSUBSCRIBE #1", "PUNSUBSCRIBE x", "PUNSUBSCRIBE b", "PUNSUBSCRIBE #1", "ECHO x", "PING", "SUBSCRIBE c",
            "RESET", "ECHO x", ">PUBLISH c gone", "MULTI", "SUBSCRIBE d", "EXEC", "UNSUBSCRIBE d e",
    };

    private static final String[] RESP3_SCRIPT = {
            "HELLO 3", "UNSUBSCRIBE", "SUBSCRIBE a", "PING", "ECHO x", ">PUBLISH a x", "PSUBSCRIBE *", ">PUBLISH a y",
            // Its own messages come before PUBLISH's reply, inside EXEC's too, as Redis writes them.
            "PUBLISH a self #3", "MULTI", "PUBLISH a m", "EXEC #3",
            "PUBSUB NUMSUB a", "UNSUBSCRIBE #1", "PUNSUBSCRIBE #1", "UNSUBSCRIBE",
    };

    @Test
    void resp2SubscribedModeIsRedisByteForByte() {
        List<String> ours;
        try (TestServer server = TestServer.start()) {
            ours = run(server.port(), RESP2_SCRIPT);
        }
        assertThat(ours.get(0)).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
        assertThat(ours.get(2)).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
        assertThat(ours.get(3)).isEqualTo("-ERR Can't execute 'echo': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
                + "/ QUIT / RESET are allowed in this context\r\n");
        assertThat(ours.get(6)).isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        assertThat(ours.get(8)).isEqualTo(":1\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
        assertThat(ours.get(11)).endsWith("*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$5\r\nhello\r\n");
        try (RealRedis redis = RealRedis.start()) {
            assertThat(ours).isEqualTo(run(redis.port(), RESP2_SCRIPT));
        }
    }

    @Test
    void resp3PushesMessagesAndAllowsEveryCommand() {
        List<String> ours;
        try (TestServer server = TestServer.start()) {
            ours = run(server.port(), RESP3_SCRIPT);
        }
        assertThat(ours.get(2)).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
        assertThat(ours.get(3)).isEqualTo("+PONG\r\n");
        assertThat(ours.get(4)).isEqualTo("$1\r\nx\r\n");
        assertThat(ours.get(8)).isEqualTo(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$4\r\nself\r\n"
                + ">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$4\r\nself\r\n:2\r\n");
        assertThat(ours.getLast()).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
        try (RealRedis redis = RealRedis.start()) {
            List<String> theirs = run(redis.port(), RESP3_SCRIPT);
            // HELLO names the server and its version: the one reply that must differ.
            assertThat(ours.subList(1, ours.size())).isEqualTo(theirs.subList(1, theirs.size()));
        }
    }

    /**
     * Runs a script; each entry is the subscriber's reply, or for a publisher line the
     * publisher's reply followed by what the subscriber received because of it.
     */
    private static List<String> run(int port, String... script) {
        List<String> replies = new ArrayList<>();
        try (RawClient subscriber = new RawClient(port); RawClient publisher = new RawClient(port)) {
            for (String line : script) {
                if (line.startsWith(">")) {
                    String reply = publisher.call(line.substring(1).split(" "));
                    int receivers = line.startsWith(">PUBLISH") ? Integer.parseInt(reply.substring(1).trim()) : 0;
                    StringBuilder received = new StringBuilder(reply);
                    for (int i = 0; i < receivers; i++) {
                        received.append(subscriber.readReply());
                    }
                    replies.add(received.toString());
                } else {
                    String[] words = line.split(" ");
                    if (line.contains(" #")) {
                        subscriber.command(line.substring(0, line.indexOf(" #")).split(" "));
                        int count = Integer.parseInt(line.substring(line.indexOf(" #") + 2));
                        StringBuilder all = new StringBuilder();
                        for (int i = 0; i < count; i++) {
                            all.append(subscriber.readReply());
                        }
                        replies.add(all.toString());
                        continue;
                    }
                    subscriber.command(words);
                    replies.add(readReplies(subscriber, words));
                }
            }
        }
        // Only CLIENT LIST holds per-connection numbers (ids, ages) that differ between servers.
        return replies.stream().map(reply -> reply.contains("id=") ? normalized(reply) : reply).toList();
    }

    /**
     * (Un)subscribe commands answer once per channel; a line ending in {@code #n} (UNSUBSCRIBE
     * with no argument) says how many answers to read.
     */
    private static String readReplies(RawClient client, String[] words) {
        int count = words[0].toLowerCase().endsWith("subscribe") ? Math.max(1, words.length - 1) : 1;
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < count; i++) {
            replies.append(client.readReply());
        }
        return replies.toString();
    }

    private static String normalized(String reply) {
        return io.redmap.testing.Exchanges.normalized(List.of(reply)).getFirst();
    }
}

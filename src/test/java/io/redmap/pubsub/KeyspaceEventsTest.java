package io.redmap.pubsub;

import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyspace notifications: {@code notify-keyspace-events} read and written back as Redis does, and
 * the events of array commands (class {@code d}) and of DEL and RENAME (class {@code g}) published
 * on {@code __keyspace@<db>__:<key>} and {@code __keyevent@<db>__:<event>}.
 */
class KeyspaceEventsTest {
    private static final String[] VALUES = {"", "KEA", "Kg", "AKE", "g$lshzxetd", "Ed", "KEAmn", "nK", "Kq", "dg$", "xx", "A"};

    @Test
    void theOptionIsNormalisedAsInRedis() {
        List<String> ours;
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port())) {
            ours = setAndGet(client);
        }
        assertThat(ours.get(1)).isEqualTo("+OK\r\n*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n");
        assertThat(ours.get(8)).startsWith("-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events')"
                + " - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
        try (RealRedis redis = RealRedis.start(); RawClient client = redis.client()) {
            assertThat(ours).isEqualTo(setAndGet(client));
        }
    }

    private static List<String> setAndGet(RawClient client) {
        List<String> replies = new ArrayList<>();
        for (String value : VALUES) {
            replies.add(client.call("CONFIG", "SET", "notify-keyspace-events", value)
                    + client.call("CONFIG", "GET", "notify-keyspace-events"));
        }
        return replies;
    }

    @Test
    void arrayCommandsAndGenericCommandsPublishTheirEvents() {
        try (TestServer server = TestServer.start("--notify-keyspace-events", "KEA");
                RawClient subscriber = new RawClient(server.port()); RawClient client = new RawClient(server.port())) {
            client.call("MMAP", "f", "f.f4", "float32", "WRITABLE");
            client.call("VADD", "f", "0");
            subscriber.call("PSUBSCRIBE", PATTERN);
            assertThat(client.call("MMAP", "a", "a.i4", "int32", "WRITABLE")).isEqualTo(":0\r\n");
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyspace@0__:a", "mmap"));
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyevent@0__:mmap", "a"));

            client.call("VADD", "a", "1", "2");
            client.call("VSET", "a", "0", "5");
            client.call("VINCRBY", "a", "0", "1");
            assertThat(client.call("VINCRBYFLOAT", "a", "0", "1.5")).as("a refused command changes nothing").startsWith("-");
            assertThat(client.call("VINCRBYFLOAT", "f", "0", "1.5")).isEqualTo("$3\r\n1.5\r\n");
            client.call("VWRITE", "a", "0", "\0\0\0\0");
            client.call("VPOP", "a");
            client.call("VCLEAR", "a");
            assertThat(client.call("VPOP", "a")).as("a pop of an empty array changes nothing").isEqualTo("$-1\r\n");
            client.call("RENAME", "a", "b");
            client.call("RENAME", "b", "b");
            client.call("DEL", "b", "missing");
            client.call("PUBLISH", "__keyspace@0__:end", "end");

            List<String> events = new ArrayList<>();
            for (String reply = subscriber.readReply(); !reply.contains("end"); reply = subscriber.readReply()) {
                events.add(reply);
            }
            List<String> expected = new ArrayList<>();
            for (String[] event : new String[][] {{"a", "vadd"}, {"a", "vset"}, {"a", "vincrby"}, {"f", "vincrbyfloat"},
                    {"a", "vwrite"}, {"a", "vpop"}, {"a", "vclear"}, {"a", "rename_from"}, {"b", "rename_to"},
                    {"b", "del"}}) {
                expected.add(pmessage("__keyspace@0__:" + event[0], event[1]));
                expected.add(pmessage("__keyevent@0__:" + event[1], event[0]));
            }
            assertThat(events).isEqualTo(expected);
        }
    }

    @Test
    void onlyTheEnabledClassesAndChannelsArePublished() {
        try (TestServer server = TestServer.start(); RawClient subscriber = new RawClient(server.port());
                RawClient client = new RawClient(server.port())) {
            subscriber.call("PSUBSCRIBE", PATTERN);
            client.call("MMAP", "a", "a.i4", "int32", "WRITABLE");
            assertThat(client.call("CONFIG", "SET", "notify-keyspace-events", "Eg")).isEqualTo("+OK\r\n");
            client.call("SELECT", "3");
            client.call("MMAP", "c", "c.i4", "int32", "WRITABLE");
            client.call("DEL", "c");
            assertThat(client.call("CONFIG", "SET", "notify-keyspace-events", "Kd")).isEqualTo("+OK\r\n");
            client.call("MMAP", "d", "d.i4", "int32", "WRITABLE");
            client.call("DEL", "d");
            client.call("PUBLISH", "__keyspace@0__:end", "end");
            // Nothing before the first CONFIG SET; only keyevent for generic, only keyspace for module.
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyevent@3__:del", "c"));
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyspace@3__:d", "mmap"));
            assertThat(subscriber.readReply()).contains("end");
        }
    }

    @Test
    void moveIsMoveFromInTheSourceDatabaseAndMoveToInTheTarget() {
        try (TestServer server = TestServer.start(); RawClient subscriber = new RawClient(server.port());
                RawClient client = new RawClient(server.port())) {
            subscriber.call("PSUBSCRIBE", PATTERN);
            client.call("MMAP", "m", "m.i4", "int32", "WRITABLE");
            assertThat(client.call("CONFIG", "SET", "notify-keyspace-events", "KEg")).isEqualTo("+OK\r\n");
            assertThat(client.call("MOVE", "m", "5")).isEqualTo(":1\r\n");
            assertThat(client.call("MOVE", "m", "5")).as("nothing left to move").isEqualTo(":0\r\n");
            client.call("PUBLISH", "__keyspace@0__:end", "end");
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyspace@0__:m", "move_from"));
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyevent@0__:move_from", "m"));
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyspace@5__:m", "move_to"));
            assertThat(subscriber.readReply()).isEqualTo(pmessage("__keyevent@5__:move_to", "m"));
            assertThat(subscriber.readReply()).contains("end");
        }
    }

    private static final String PATTERN = "__key*__:*";

    private static String pmessage(String channel, String payload) {
        return "*4\r\n$8\r\npmessage\r\n" + bulk(PATTERN) + bulk(channel) + bulk(payload);
    }

    private static String bulk(String text) {
        return "$" + text.length() + "\r\n" + text + "\r\n";
    }
}

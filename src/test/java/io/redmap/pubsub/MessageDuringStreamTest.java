package io.redmap.pubsub;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A RESP3 subscriber may run any command, a large streamed reply included: a message published
 * while that reply is on its way must come after it, never in the middle of its bytes.
 */
class MessageDuringStreamTest {
    private static final int ELEMENTS = 1 << 20;

    @Test
    void aMessageWaitsForTheStreamedReplyInProgress() throws Exception {
        try (TestServer server = TestServer.start(); RawClient subscriber = new RawClient(server.port());
                RawClient publisher = new RawClient(server.port())) {
            assertThat(publisher.call("MMAP", "z", "z.u8", "uint8", "WRITABLE")).isEqualTo(":0\r\n");
            publisher.send(vwrite("z", new byte[ELEMENTS]));
            assertThat(publisher.readReply()).isEqualTo(":" + ELEMENTS + "\r\n");

            subscriber.call("HELLO", "3");
            assertThat(subscriber.call("SUBSCRIBE", "a")).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
            // 4 MB of reply, more than the socket buffers take while the subscriber does not read:
            // the stream is still being written when the message is published.
            subscriber.command("VALL", "z");
            Thread.sleep(200);
            assertThat(publisher.call("PUBLISH", "a", "hello")).isEqualTo(":1\r\n");

            String expected = "*" + ELEMENTS + "\r\n" + ":0\r\n".repeat(ELEMENTS);
            String vall = new String(subscriber.read(expected.length()), StandardCharsets.US_ASCII);
            assertThat(vall.equals(expected)).as("the streamed reply arrives whole, with nothing inside it").isTrue();
            assertThat(subscriber.readReply()).isEqualTo(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
            assertThat(subscriber.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    private static byte[] vwrite(String key, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = ("*4\r\n$6\r\nVWRITE\r\n$" + key.length() + "\r\n" + key + "\r\n$1\r\n0\r\n$" + data.length + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(head);
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}

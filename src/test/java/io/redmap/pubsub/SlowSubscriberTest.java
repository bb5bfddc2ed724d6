package io.redmap.pubsub;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscriber that never reads must not make the server hold its messages without bound: past
 * the pubsub class's {@code client-output-buffer-limit} it is disconnected, as Redis does, while
 * the publisher and a subscriber that reads go on. Without the limit the same subscriber stays.
 */
class SlowSubscriberTest {
    /** 64 MB of messages in all: more than the kernel's socket buffers hold on loopback. */
    private static final int MESSAGES = 4096;
    private static final String PAYLOAD = "x".repeat(16 * 1024);

    @Test
    void aSubscriberThatDoesNotReadIsDisconnectedPastItsLimit() throws Exception {
        try (TestServer server = TestServer.start("--client-output-buffer-limit", "pubsub", "4mb", "0", "0");
                Jedis publisher = server.jedis(); Jedis reader = server.jedis();
                Socket stalled = subscribeWithoutReading(server.port())) {
            // The reading subscriber keeps up on its own thread, and must get every message.
            var received = new java.util.concurrent.atomic.AtomicInteger();
            JedisPubSub counter = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    if (message.equals("after")) {
                        unsubscribe();
                    } else {
                        received.incrementAndGet();
                    }
                }
            };
            Thread reading = Thread.ofVirtual().start(() -> reader.subscribe(counter, "news"));
            PubSubClientsTest.awaitUntil(() -> publisher.pubsubNumSub("news").get("news") == 2L);
            publishAll(publisher, received);
            PubSubClientsTest.awaitUntil(() -> publisher.pubsubNumSub("news").get("news") == 1L);
            assertThat(drain(stalled.getInputStream())).as("bytes the stalled subscriber got before it was closed")
                    .isLessThan((long) MESSAGES * PAYLOAD.length());

            assertThat(publisher.publish("news", "after")).isEqualTo(1L);
            reading.join(30_000);
            assertThat(reading.isAlive()).isFalse();
            assertThat(received.get()).isEqualTo(MESSAGES);
            assertThat(publisher.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void withoutAPubsubLimitTheSameSubscriberStays() throws Exception {
        try (TestServer server = TestServer.start("--client-output-buffer-limit", "pubsub", "0", "0", "0");
                Jedis publisher = server.jedis(); Socket stalled = subscribeWithoutReading(server.port())) {
            PubSubClientsTest.awaitUntil(() -> publisher.pubsubNumSub("news").get("news") == 1L);
            publishAll(publisher, null);
            assertThat(publisher.pubsubNumSub("news").get("news")).isEqualTo(1L);
        }
    }

    /**
     * Publishes in batches of 16; with {@code received}, each batch waits until the reading
     * subscriber has had the previous ones, so that only the stalled one falls behind however
     * busy the machine is.
     */
    private static void publishAll(Jedis publisher, java.util.concurrent.atomic.AtomicInteger received) {
        for (int batch = 0; batch < MESSAGES / 16; batch++) {
            Pipeline pipeline = publisher.pipelined();
            for (int i = 0; i < 16; i++) {
                pipeline.publish("news", PAYLOAD);
            }
            pipeline.sync();
            int sent = (batch + 1) * 16;
            if (received != null) {
                PubSubClientsTest.awaitUntil(() -> received.get() >= sent);
            }
        }
    }

    /** Subscribes to "news" over a socket with a small receive buffer, and then reads nothing. */
    private static Socket subscribeWithoutReading(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8192);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write("SUBSCRIBE news\r\n".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads until the server closes; the number of bytes read. */
    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (java.net.SocketException e) {
            // A reset is a close too.
        }
        return total;
    }
}

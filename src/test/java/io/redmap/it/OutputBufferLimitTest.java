package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code client-output-buffer-limit} as Redis has it: per class, in Redis's form, changed class
 * by class; a client whose replies built whole pile up past the hard limit is disconnected,
 * while with the default (no limit for normal clients) the same client gets every reply.
 */
class OutputBufferLimitTest {
    private static final String REDIS_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    @Test
    void theOptionReadsAndChangesAsInRedis() {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            assertThat(jedis.configGet("client-output-buffer-limit"))
                    .isEqualTo(Map.of("client-output-buffer-limit", REDIS_DEFAULT));
            assertThat(jedis.configSet("client-output-buffer-limit", "normal 1mb 512kb 10")).isEqualTo("OK");
            assertThat(jedis.configGet("client-output-buffer-limit")).containsValue(
                    "normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
            assertThat(jedis.configSet("client-output-buffer-limit", "replica 1mb 512kb 10 pubsub 0 0 0")).isEqualTo("OK");
            assertThat(jedis.configGet("client-output-buffer-limit")).containsValue(
                    "normal 1048576 524288 10 slave 1048576 524288 10 pubsub 0 0 0");

            assertThatThrownBy(() -> jedis.configSet("client-output-buffer-limit", "normal 1mb 512kb"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessageEndingWith("Wrong number of arguments in buffer limit configuration.");
            assertThatThrownBy(() -> jedis.configSet("client-output-buffer-limit", "master 1mb 5 1"))
                    .hasMessageEndingWith("Invalid client class specified in buffer limit configuration.");
            assertThatThrownBy(() -> jedis.configSet("client-output-buffer-limit", "normal 1mb -5 1"))
                    .hasMessageEndingWith("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            assertThatThrownBy(() -> jedis.configSet("client-output-buffer-limit", "normal 1xb 5 1"))
                    .hasMessageEndingWith("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            assertThat(jedis.configGet("client-output-buffer-limit")).containsValue(
                    "normal 1048576 524288 10 slave 1048576 524288 10 pubsub 0 0 0");
        }
    }

    @Test
    void aClientPastItsHardLimitIsDisconnectedAndOthersGoOn() throws Exception {
        try (TestServer server = TestServer.start("--client-output-buffer-limit", "normal", "1mb", "0", "0");
                Jedis jedis = server.jedis()) {
            mapCounts(jedis);
            try (Socket hog = pipelineWithoutReading(server.port())) {
                // Read nothing until the server has dropped the hog: a reader keeping up would
                // never let its output pile up.
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (jedis.clientList().lines().count() > 1) {
                    assertThat(System.nanoTime()).as("the hog is never disconnected").isLessThan(deadline);
                    Thread.sleep(20);
                }
                long received = drain(hog.getInputStream());
                assertThat(received).as("bytes before the server closed the connection").isLessThan(PIPELINE_BYTES);
            }
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void withoutALimitTheSameClientGetsEveryReply() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            mapCounts(jedis);
            try (Socket client = pipelineWithoutReading(server.port())) {
                byte[] replies = new byte[(int) PIPELINE_BYTES];
                new java.io.DataInputStream(client.getInputStream()).readFully(replies);
                assertThat(new String(replies, 0, 16, StandardCharsets.US_ASCII)).isEqualTo("*10000\r\n:0\r\n:0\r\n");
                client.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.getInputStream().readNBytes(7)).isEqualTo("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    /**
     * Each VRANGE replies 10,000 zeros ({@code :0}, 4 bytes each), too few to be streamed; 40 MB in
     * all, more than the kernel's socket buffers hold.
     */
    private static final int REQUESTS = 1000;
    private static final long PIPELINE_BYTES = REQUESTS * ("*10000\r\n".length() + 10_000L * 4);

    private static void mapCounts(Jedis jedis) {
        assertThat(jedis.sendCommand(() -> "MMAP".getBytes(StandardCharsets.US_ASCII), "c", "c.u1", "uint8", "WRITABLE"))
                .isEqualTo(0L);
        assertThat(jedis.sendCommand(() -> "VWRITE".getBytes(StandardCharsets.US_ASCII),
                "c".getBytes(StandardCharsets.US_ASCII), "0".getBytes(StandardCharsets.US_ASCII), new byte[10_000]))
                .isEqualTo(10_000L);
    }

    /** A client that sends {@link #REQUESTS} VRANGEs of 10,000 elements and reads nothing yet. */
    private static Socket pipelineWithoutReading(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8192);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(30_000);
        byte[] request = "VRANGE c 0 9999\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < REQUESTS; i++) {
                socket.getOutputStream().write(request);
            }
        } catch (java.net.SocketException e) {
            // Closed by the server before all was sent: what the caller checks.
        }
        return socket;
    }

    /** Reads until the server closes; the number of bytes read. */
    private static long drain(InputStream socket) throws IOException {
        InputStream in = new BufferedInputStream(socket, 1 << 16);
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

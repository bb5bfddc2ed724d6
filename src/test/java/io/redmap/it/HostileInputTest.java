package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Malformed and hostile requests (section D): each gets an error or a closed connection, the
 * server and its other clients go on, and no file is changed.
 */
class HostileInputTest {
    private static final String PONG = "+PONG\r\n";

    static Stream<org.junit.jupiter.params.provider.Arguments> protocolErrors() {
        return Stream.of(
                arguments("*20000000\r\n", "invalid multibulk length"),
                arguments("*3000000000\r\n", "invalid multibulk length"),
                arguments("*abc\r\n", "invalid multibulk length"),
                arguments("*1\r\n$2000000000\r\n", "invalid bulk length"),
                arguments("*3\r\n$4\r\nVADD\r\n$1\r\nk\r\n$2000000000\r\n", "invalid bulk length"),
                arguments("*1\r\n$-5\r\n", "invalid bulk length"),
                arguments("*1\r\n$abc\r\n", "invalid bulk length"),
                arguments("*2\r\n$3\r\nGET\r\nfoo\r\n", "expected '$', got 'f'"),
                arguments("*3\r\n$4\r\nVSET\r\n$1\r\nk\r\n:0\r\n", "expected '$', got ':'"),
                arguments("VSET k 0 \"7\r\n", "unbalanced quotes in request"),
                arguments("VSET k '0'1 7\r\n", "unbalanced quotes in request"),
                arguments("a".repeat(70_000), "too big inline request"),
                arguments("*1\r\n$" + "9".repeat(70_000), "too big bulk count string"));
    }

    @ParameterizedTest
    @MethodSource("protocolErrors")
    void aProtocolErrorIsRepliedAndClosesOnlyThatConnection(String input, String detail) throws IOException {
        try (TestServer server = TestServer.start(); RawClient bystander = new RawClient(server.port());
                RawClient victim = new RawClient(server.port())) {
            Files.write(server.path("k.bin"), ArrayClient.le(8, 1, 2, 3));
            assertThat(bystander.command("MMAP", "k", "k.bin", "int64", "WRITABLE").readLine()).isEqualTo(":3\r\n");
            assertThat(victim.command("PING").readLine()).isEqualTo(PONG);

            victim.send(input);
            assertThat(victim.readLine()).isEqualTo("-ERR Protocol error: " + detail + "\r\n");
            assertThat(victim.closedByServer()).isTrue();

            assertThat(bystander.command("PING").readLine()).isEqualTo(PONG);
            assertThat(bystander.command("VCOUNT", "k").readLine()).isEqualTo(":3\r\n");
            assertThat(ArrayClient.fileBytes(server.path("k.bin"))).isEqualTo(ArrayClient.le(8, 1, 2, 3));
        }
    }

    @Test
    void negativeAndZeroMultibulkCountsAreIgnoredAsRedisDoes() {
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port())) {
            client.send("*-10\r\n*0\r\n*-1\r\n");
            assertThat(client.command("PING").readLine()).isEqualTo(PONG);
        }
    }

    @Test
    void aNulByteInAnInlineCommandEndsItsArgumentsInsteadOfHangingTheServer() {
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port());
                RawClient bystander = new RawClient(server.port())) {
            client.send("PING\0 ignored words\r\n\0\0\r\n");
            assertThat(client.readLine()).isEqualTo(PONG);
            assertThat(client.command("ECHO", "after").readLine()).isEqualTo("$5\r\n");
            assertThat(client.readLine()).isEqualTo("after\r\n");
            assertThat(bystander.command("PING").readLine()).isEqualTo(PONG);
        }
    }

    @Test
    void aBulkAboveProtoMaxBulkLenIsRefusedOnceLowered() {
        try (TestServer server = TestServer.start(); RawClient admin = new RawClient(server.port());
                RawClient sender = new RawClient(server.port())) {
            assertThat(admin.command("CONFIG", "SET", "proto-max-bulk-len", "1mb").readLine()).isEqualTo("+OK\r\n");
            String fits = "x".repeat(1024 * 1024);
            assertThat(sender.command("ECHO", fits).readLine()).isEqualTo("$" + fits.length() + "\r\n");
            assertThat(sender.readLike(fits + "\r\n")).isEqualTo(fits + "\r\n");

            sender.send("*2\r\n$4\r\nECHO\r\n$" + 2 * 1024 * 1024 + "\r\n" + "y".repeat(4096));
            assertThat(sender.readLine()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            assertThat(sender.closedByServer()).isTrue();
            assertThat(admin.command("PING").readLine()).isEqualTo(PONG);
        }
    }

    @Test
    void theConnectionAfterMaxclientsIsRefused() {
        try (TestServer server = TestServer.start("--maxclients", "5")) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(new RawClient(server.port()));
                    assertThat(clients.getLast().command("PING").readLine()).isEqualTo(PONG);
                }
                try (RawClient sixth = new RawClient(server.port())) {
                    assertThat(sixth.readLine()).isEqualTo("-ERR max number of clients reached\r\n");
                    assertThat(sixth.closedByServer()).isTrue();
                }
                assertThat(clients.getFirst().command("PING").readLine()).isEqualTo(PONG);
                clients.removeFirst().close();
                // The server notices the close a moment later; then a new client fits again.
                assertThat(pingFromNewClientWithin(server.port(), Duration.ofSeconds(5))).isTrue();
            } finally {
                clients.forEach(RawClient::close);
            }
        }
    }

    @Test
    void badIndicesInEveryPositionAreRefusedAndChangeNothing() {
        try (TestServer server = TestServer.start()) {
            ArrayClient client = new ArrayClient(server.jedis());
            byte[] original = ArrayClient.le(8, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109);
            writeFile(server.path("i.bin"), original);
            assertThat(client.call("MMAP", "i", "i.bin", "int64", "WRITABLE")).isEqualTo(10L);
            List<String> outOfRange = List.of("-1", "10", "2147483648", "2305843009213693952",
                    "2305843009213693955", "9223372036854775807", "-9223372036854775808");
            List<String> notIntegers = List.of("1.5", " 1", "1 ", "0x10", "01", "-0", "+1", "", "18446744073709551616");

            for (String bad : Stream.concat(outOfRange.stream(), notIntegers.stream()).toList()) {
                String expected = outOfRange.contains(bad) ? "ERR index exceeds size" : "ERR index argument must be integer";
                for (Object[] request : requestsWithIndex(bad)) {
                    String command = (String) request[0];
                    Object[] args = java.util.Arrays.copyOfRange(request, 1, request.length);
                    client.assertError(expected, command, args);
                }
                assertThat(ArrayClient.fileBytes(server.path("i.bin"))).as("after index '%s'", bad).isEqualTo(original);
            }
            assertThat(client.call("VCOUNT", "i")).isEqualTo(10L);
            assertThat(client.call("VMGET", "i", 0, 9)).isEqualTo(List.of(100L, 109L));
        }
    }

    private static List<Object[]> requestsWithIndex(String bad) {
        return List.of(
                new Object[] {"VGET", "i", bad},
                new Object[] {"VMGET", "i", bad, 1, 2},
                new Object[] {"VMGET", "i", 1, bad, 2},
                new Object[] {"VMGET", "i", 1, 2, bad},
                new Object[] {"VSET", "i", bad, 555},
                new Object[] {"VSET", "i", 0, 555, bad, 556},
                new Object[] {"VSET", "i", 0, 555, 1, 556, bad, 557});
    }

    @Test
    void aFileWithAPartialLastElementIsReadableButNotResized() {
        try (TestServer server = TestServer.start()) {
            ArrayClient client = new ArrayClient(server.jedis());
            ByteBuffer content = ByteBuffer.allocate(8 * 10 + 3).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 10; i++) {
                content.putDouble(i + 0.5);
            }
            content.put(new byte[] {1, 2, 3});
            writeFile(server.path("p.bin"), content.array());

            assertThat(client.call("MMAP", "p", "p.bin", "double", "WRITABLE")).isEqualTo(10L);
            assertThat(client.call("VCOUNT", "p")).isEqualTo(10L);
            assertThat(client.call("VGET", "p", 9)).isEqualTo("9.5");
            client.assertError("ERR index exceeds size", "VGET", "p", 10);
            assertThat(client.error("VADD", "p", 1)).startsWith("ERR file size is not a whole number of elements");
            assertThat(client.error("VPOP", "p")).startsWith("ERR file size is not a whole number of elements");
            assertThat(ArrayClient.fileBytes(server.path("p.bin"))).isEqualTo(content.array());
            assertThat(client.call("VCOUNT", "p")).isEqualTo(10L);
        }
    }

    private static boolean pingFromNewClientWithin(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (RawClient client = new RawClient(port)) {
                if (client.command("PING").readLine().equals(PONG)) {
                    return true;
                }
            }
            sleep(50);
        }
        return false;
    }

    private static void writeFile(Path path, byte[] bytes) {
        try {
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

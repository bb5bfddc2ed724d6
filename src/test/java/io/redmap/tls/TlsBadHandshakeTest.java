package io.redmap.tls;

import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients whose TLS handshake fails cost only their own connection: a plaintext client on the
 * TLS port, client certificates that are expired, from an unknown CA or missing (with
 * {@code tls-auth-clients yes}), and a client that stalls half-way through its handshake (dropped
 * after {@code tls-handshake-timeout}). Each is closed with one line in the log at verbose level,
 * and the server serves a good client in between and after.
 */
class TlsBadHandshakeTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static Issued client;
    private static ServerProcess server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        client = certs.client("client");
        port = TlsFixture.freePort();
        server = TlsFixture.start(Files.createDirectories(dir.resolve("data")), certs, certs.server("server"), port,
                "--loglevel", "verbose", "--tls-handshake-timeout", "1000");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPlaintextClientOnTheTlsPortIsClosed() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(20_000);
            plain.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(plain.getInputStream())).doesNotContain("PONG");
        }
        awaitLogLine("not an SSL/TLS record");
        assertGoodClientServed();
    }

    @Test
    void anExpiredClientCertificateIsRefused() throws Exception {
        assertRefused(certs.expired("expired"));
        awaitLogLine("validity check failed");
        assertGoodClientServed();
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefused() throws Exception {
        // redis-cli (OpenSSL) presents its certificate whoever the server says it trusts; a JDK client
        // would send none, its key manager choosing only among certificates of the CAs the server names.
        assertThat(TlsFixture.redisCli(certs, certs.untrusted("stranger"), port, "PING")).doesNotContain("PONG");
        awaitLogLine("unable to find valid certification path");
        assertGoodClientServed();
    }

    @Test
    void noClientCertificateIsRefusedWhenOneIsRequired() throws Exception {
        assertRefused(null);
        // The JDK's engine and BoringSSL's word it differently.
        awaitLogLine(Pattern.compile("Empty client certificate chain|PEER_DID_NOT_RETURN_A_CERTIFICATE"));
        assertGoodClientServed();
    }

    @Test
    void aClientThatStallsMidHandshakeIsDroppedWhileOthersAreServed() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", port)) {
            stalled.setSoTimeout(20_000);
            // The first bytes of a TLS record header (a handshake record of 80 bytes), then nothing more.
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x50, 0x01});
            stalled.getOutputStream().flush();
            assertGoodClientServed(); // while the stalled one waits
            assertThat(readUntilClosed(stalled.getInputStream())).isEmpty();
        }
        awaitLogLine("handshake timed out");
        assertGoodClientServed();
    }

    /**
     * A refused certificate shows either in the handshake (TLS 1.2) or, with TLS 1.3, where the
     * client's handshake ends before the server checks the client's certificate, at the first
     * read: the connection is closed and no command is served.
     */
    private static void assertRefused(Issued identity) {
        String answer;
        try (SSLSocket socket = TlsFixture.socket(certs, identity, port)) {
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            answer = readUntilClosed(socket.getInputStream());
        } catch (IOException e) {
            answer = e.toString();
        }
        assertThat(answer).doesNotContain("PONG");
    }

    private static void assertGoodClientServed() {
        try (Jedis jedis = TlsFixture.jedis(certs, client, port)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    private static void awaitLogLine(String reason) {
        awaitLogLine(Pattern.compile(Pattern.quote(reason)));
    }

    private static void awaitLogLine(Pattern reason) {
        server.awaitLog(Pattern.compile("- Error accepting a client connection: .*(" + reason.pattern()
                + ").* \\(addr=/127\\.0\\.0\\.1:\\d+ laddr=/127\\.0\\.0\\.1:" + port + "\\)"), Duration.ofSeconds(30));
    }

    /** What the peer sent before it closed the connection (a reset counts as closed). */
    private static String readUntilClosed(InputStream in) {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[1024];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketException reset) {
            // closed by the server while we were writing or reading
        } catch (IOException e) {
            return text + e.toString();
        }
        return text.toString();
    }
}

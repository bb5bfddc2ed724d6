package io.redmap.tls;

import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the server's TLS engine is set up for each connection, seen from a client: several TLS
 * records that arrive in one TCP write are all decrypted and answered in order (the engine
 * unwraps whatever a read brought, not one record per call), and {@code tls-prefer-server-ciphers}
 * decides whose order of TLS 1.2 suites wins.
 */
class TlsEngineSettingsTest {
    private static final String AES128 = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    private static final String AES256 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static Issued client;
    private static ServerProcess server;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        client = certs.client("client");
        tlsPort = TlsFixture.freePort();
        server = TlsFixture.start(Files.createDirectories(dir.resolve("data")), certs, certs.server("server"), tlsPort,
                "--port", Integer.toString(TlsFixture.freePort()),
                "--tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void recordsThatArriveInOneWriteAreAllAnswered() throws Exception {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", tlsPort))) {
            SSLEngine engine = certs.clientContext(client).createSSLEngine("127.0.0.1", tlsPort);
            engine.setUseClientMode(true);
            ByteBuffer fromServer = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            handshake(engine, channel, fromServer);

            // Three commands, each its own record, sent in one write (a pipelined client's batch).
            ByteBuffer records = ByteBuffer.allocate(3 * engine.getSession().getPacketBufferSize());
            for (String command : new String[] {"ECHO one", "PING", "ECHO three"}) {
                SSLEngineResult result = engine.wrap(ByteBuffer.wrap(resp(command)), records);
                assertThat(result.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
            }
            channel.write(records.flip());

            String expected = "$3\r\none\r\n+PONG\r\n$5\r\nthree\r\n";
            assertThat(readPlaintext(engine, channel, fromServer, expected.length())).isEqualTo(expected);
        }
    }

    @Test
    void thePreferenceOfTls12SuitesFollowsTheOption() throws Exception {
        // The client offers AES-256 first; the server's list (tls-ciphers) has AES-128 first.
        assertThat(negotiated()).isEqualTo(AES256);
        try {
            assertThat(TlsFixture.redisCli(certs, client, tlsPort, "CONFIG", "SET", "tls-prefer-server-ciphers", "yes"))
                    .isEqualTo("OK");
            assertThat(negotiated()).isEqualTo(AES128);
        } finally {
            TlsFixture.redisCli(certs, client, tlsPort, "CONFIG", "SET", "tls-prefer-server-ciphers", "no");
        }
    }

    /** The suite a TLS 1.2 client that prefers AES-256 gets. */
    private static String negotiated() throws IOException {
        try (SSLSocket socket = (SSLSocket) certs.clientContext(client).getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
            socket.setSoTimeout(20_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {AES256, AES128});
            socket.startHandshake();
            socket.getOutputStream().write(resp("PING"));
            assertThat(new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
            return socket.getSession().getCipherSuite();
        }
    }

    private static byte[] resp(String command) {
        String[] words = command.split(" ");
        StringBuilder text = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            text.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Drives a client engine's handshake over a blocking channel. */
    private static void handshake(SSLEngine engine, SocketChannel channel, ByteBuffer fromServer) throws IOException {
        ByteBuffer toServer = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> {
                    toServer.clear();
                    status = engine.wrap(ByteBuffer.allocate(0), toServer).getHandshakeStatus();
                    channel.write(toServer.flip());
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    fromServer.flip();
                    SSLEngineResult result = engine.unwrap(fromServer, plain);
                    fromServer.compact();
                    status = result.getHandshakeStatus();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(fromServer) < 0) {
                        throw new IOException("the server closed the connection during the handshake");
                    }
                }
                case NEED_TASK -> {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                default -> throw new IllegalStateException(status.toString());
            }
        }
    }

    /** Reads and decrypts until {@code length} bytes of plaintext came (session tickets give none). */
    private static String readPlaintext(SSLEngine engine, SocketChannel channel, ByteBuffer fromServer, int length)
            throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (received.size() < length) {
            fromServer.flip();
            SSLEngineResult result = engine.unwrap(fromServer, plain);
            fromServer.compact();
            received.write(plain.array(), 0, plain.position());
            plain.clear();
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(fromServer) < 0) {
                break;
            }
        }
        return received.toString(StandardCharsets.US_ASCII);
    }
}

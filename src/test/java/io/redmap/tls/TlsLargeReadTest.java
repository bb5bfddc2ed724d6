package io.redmap.tls;

import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A VREAD of 16 MB is the same bytes over TLS (encrypted from the output buffer) and over the
 * plain port: the file's bytes, then the next reply.
 */
class TlsLargeReadTest {
    private static final int COUNT = 2_000_000;
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static ServerProcess server;
    private static int tlsPort;
    private static int plainPort;
    private static byte[] file;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        tlsPort = TlsFixture.freePort();
        plainPort = TlsFixture.freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        ByteBuffer values = ByteBuffer.allocate(8 * COUNT).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < COUNT; i++) {
            values.putDouble(i * 1.5 - 3);
        }
        file = values.array();
        Files.write(data.resolve("k.f8"), file);
        server = TlsFixture.start(data, certs, certs.server("server"), tlsPort, "--port", Integer.toString(plainPort));
        try (Socket plain = new Socket("127.0.0.1", plainPort)) {
            assertThat(call(plain, "MMAP", "k", "k.f8", "double")).isEqualTo(":" + COUNT);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aLargeVreadIsTheSameBytesOverTlsAndPlainText() throws Exception {
        try (Socket tls = TlsFixture.socket(certs, certs.client("client"), tlsPort);
                Socket plain = new Socket("127.0.0.1", plainPort)) {
            plain.setSoTimeout(20_000);
            for (Socket socket : new Socket[] {tls, plain}) {
                send(socket, "VREAD", "k", "0", String.valueOf(COUNT));
                send(socket, "PING");
                InputStream in = socket.getInputStream();
                assertThat(line(in)).isEqualTo("$" + file.length);
                byte[] data = new byte[file.length];
                new DataInputStream(in).readFully(data);
                assertThat(data).isEqualTo(file);
                assertThat(line(in)).isEmpty();
                assertThat(line(in)).isEqualTo("+PONG");
            }
        }
    }

    private static String call(Socket socket, String... words) throws IOException {
        send(socket, words);
        return line(socket.getInputStream());
    }

    private static void send(Socket socket, String... words) throws IOException {
        StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
        for (String word : words) {
            request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            assertThat(c).as("a byte of the line").isNotNegative();
            text.append((char) c);
        }
        assertThat(in.read()).isEqualTo('\n');
        return text.toString();
    }
}

package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.IntStream;

import static io.redmap.it.ArrayClient.f8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large VREAD or VMREAD on a plaintext connection: a gather's rows go from the mapping straight
 * into the socket (the kernel copies them while the command lock is held) when nothing else waits
 * to be sent, else through the output buffer, as a range's bytes always do: the client gets the
 * file's bytes either way, a fast or a slow reader, framed so that the next reply follows; a write
 * pipelined after it is not in its reply; a file truncated behind the server's back mid-reply
 * closes that connection only.
 */
class LargeReadsOnTheWireTest {
    private static final int COUNT = 3_000_000; // 24 MB: several times what a socket buffers
    private TestServer server;
    private byte[] file;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        file = f8(IntStream.range(0, COUNT).mapToDouble(i -> i * 0.25 - 7).toArray());
        Files.write(server.path("k.f8"), file);
        try (Socket socket = connect()) {
            send(socket, "MMAP", "k", "k.f8", "double", "WRITABLE");
            assertThat(line(socket.getInputStream())).isEqualTo(":" + COUNT);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aFastReaderGetsTheFilesBytesThenTheNextReply() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "VREAD", "k", "0", String.valueOf(COUNT));
            send(socket, "PING");
            InputStream in = socket.getInputStream();
            assertThat(readBulk(in)).isEqualTo(file);
            assertThat(line(in)).isEqualTo("+PONG");
            send(socket, "VREAD", "k", "1000", "1999000");
            assertThat(readBulk(in)).isEqualTo(Arrays.copyOfRange(file, 8000, 16_000_000));
        }
    }

    @Test
    void aSlowReaderGetsTheFilesBytesThenTheNextReply() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 << 10);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            socket.setSoTimeout(20_000);
            send(socket, "VREAD", "k", "0", String.valueOf(COUNT));
            send(socket, "PING");
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] piece = new byte[64 << 10];
            long expected = ("$" + file.length + "\r\n").length() + file.length + 2 + "+PONG\r\n".length();
            int pauses = 0;
            while (got.size() < expected) {
                int n = in.read(piece);
                assertThat(n).as("bytes before the end").isPositive();
                got.write(piece, 0, n);
                if (pauses++ < 40) {
                    Thread.sleep(5); // the socket fills: the rest goes through the output buffer
                }
            }
            byte[] all = got.toByteArray();
            String header = "$" + file.length + "\r\n";
            assertThat(new String(all, 0, header.length(), StandardCharsets.US_ASCII)).isEqualTo(header);
            assertThat(Arrays.copyOfRange(all, header.length(), header.length() + file.length)).isEqualTo(file);
            assertThat(new String(all, header.length() + file.length, all.length - header.length() - file.length,
                    StandardCharsets.US_ASCII)).isEqualTo("\r\n+PONG\r\n");
        }
    }

    @Test
    void aWritePipelinedAfterAVreadIsNotInItsReply() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "VREAD", "k", "0", String.valueOf(COUNT));
            send(socket, "VSET", "k", "0", "42");
            send(socket, "VSET", "k", String.valueOf(COUNT - 1), "43");
            send(socket, "VGET", "k", "0");
            Thread.sleep(300); // the server sends what the socket takes, then waits for the reader
            InputStream in = socket.getInputStream();
            assertThat(readBulk(in)).isEqualTo(file);
            assertThat(line(in)).isEqualTo(":1");
            assertThat(line(in)).isEqualTo(":1");
            assertThat(line(in)).isEqualTo("$2");
            assertThat(line(in)).isEqualTo("42");
        }
    }

    @Test
    void aLargeGatherGoesTheSameWayToASlowReaderAndAWritePipelinedAfterItIsNotInItsReply() throws Exception {
        int rowBytes = 8_000;
        int[] picked = new java.util.SplittableRandom(7).ints(2_000, 0, COUNT / 1_000).toArray();
        picked[picked.length - 1] = 0; // the row the write below changes
        picked[picked.length / 2] = picked[3]; // a duplicate
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int row : picked) {
            expected.write(file, row * rowBytes, rowBytes);
        }
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 << 10);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            socket.setSoTimeout(20_000);
            send(socket, "MMAP", "rows", "k.f8", "double", "DIM", "1000", "WRITABLE");
            InputStream in = socket.getInputStream();
            assertThat(line(in)).isEqualTo(":" + COUNT / 1_000);
            String[] gather = new String[2 + picked.length];
            gather[0] = "VMREAD";
            gather[1] = "rows";
            for (int i = 0; i < picked.length; i++) {
                gather[2 + i] = String.valueOf(picked[i]);
            }
            send(socket, gather);
            send(socket, "VSET", "k", "0", "42");
            send(socket, "VGET", "rows", "0");
            Thread.sleep(300); // the server sends what the socket takes, then waits for the reader
            DataInputStream data = new DataInputStream(in);
            assertThat(line(in)).isEqualTo("$" + expected.size());
            byte[] got = new byte[expected.size()];
            for (int at = 0; at < got.length; ) {
                int n = data.read(got, at, Math.min(64 << 10, got.length - at));
                assertThat(n).as("bytes before the end").isPositive();
                at += n;
                if (at < (4 << 20)) {
                    Thread.sleep(2); // slowly at first: the socket fills, and the rest is copied as before
                }
            }
            assertThat(got).isEqualTo(expected.toByteArray());
            assertThat(line(in)).isEmpty(); // the bulk string's CRLF
            assertThat(line(in)).isEqualTo(":1");
            assertThat(line(in)).isEqualTo("*1000");
            assertThat(line(in)).isEqualTo("$2");
            assertThat(line(in)).isEqualTo("42");
        }
    }

    @Test
    void aFileTruncatedBehindTheServerMidReplyClosesThatConnectionOnly() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "VREAD", "k", "0", String.valueOf(COUNT));
            InputStream in = socket.getInputStream();
            assertThat(line(in)).isEqualTo("$" + file.length);
            try (FileChannel channel = FileChannel.open(server.path("k.f8"), StandardOpenOption.WRITE)) {
                channel.truncate(4096);
            }
            long received = 0;
            byte[] piece = new byte[1 << 16];
            for (int n = in.read(piece); n > 0; n = in.read(piece)) {
                received += n;
            }
            assertThat(received).as("bytes after the header, then the end of the stream").isLessThan(file.length);
        }
        try (Socket other = connect()) {
            send(other, "PING");
            assertThat(line(other.getInputStream())).isEqualTo("+PONG");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static void send(Socket socket, String... words) throws IOException {
        StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
        for (String word : words) {
            request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
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

    private static byte[] readBulk(InputStream in) throws IOException {
        String header = line(in);
        assertThat(header).startsWith("$");
        byte[] data = new byte[Integer.parseInt(header.substring(1))];
        new DataInputStream(in).readFully(data);
        assertThat(in.read()).isEqualTo('\r');
        assertThat(in.read()).isEqualTo('\n');
        return data;
    }
}

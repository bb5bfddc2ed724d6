package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies larger than memory should hold (SPEC D): streamed with back-pressure, so that clients
 * that read slowly or not at all cost the server about a chunk each, a slow reader still gets the
 * whole reply, and a transaction of huge reads neither builds them whole nor stops other clients.
 * Against a real server process, whose anonymous memory is read from /proc.
 */
class LargeRepliesTest {
    /** 10M doubles: 80 MB of file, about 140 MB as VALL's text. */
    private static final long ELEMENTS = 10_000_000L;
    private static Path dir;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("redmap-large");
        // Element i is i: a reader can check every value it is sent.
        try (FileChannel file = FileChannel.open(dir.resolve("big.f8"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < ELEMENTS; ) {
                block.clear();
                while (block.hasRemaining() && i < ELEMENTS) {
                    block.putDouble(i++);
                }
                block.flip();
                while (block.hasRemaining()) {
                    file.write(block);
                }
            }
        }
        try (RandomAccessFile small = new RandomAccessFile(dir.resolve("small.f8").toFile(), "rw")) {
            small.setLength(8 * 1000);
        }
        server = ServerProcess.start(dir);
        try (RawClient client = new RawClient(server.port())) {
            assertThat(client.command("MMAP", "big", "big.f8", "double").readLine()).isEqualTo(":" + ELEMENTS + "\r\n");
            assertThat(client.command("MMAP", "small", "small.f8", "double", "WRITABLE").readLine()).isEqualTo(":1000\r\n");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void tenClientsThatNeverReadHugeRepliesCostLittleMemoryAndAreServedWhenTheyRead() throws Exception {
        warmUp();
        long before = rssAnon();
        List<Socket> hogs = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket hog = new Socket();
                hog.setReceiveBufferSize(4096);
                hog.connect(new InetSocketAddress("127.0.0.1", server.port()));
                String command = i % 2 == 0 ? "VALL big" : "VREAD big 0 " + ELEMENTS;
                hog.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                hogs.add(hog);
            }
            long peak = before;
            try (RawClient client = new RawClient(server.port())) {
                // The server writes what the hogs' sockets take, then waits for them.
                for (int round = 0; round < 40; round++) {
                    peak = Math.max(peak, rssAnon());
                    assertThat(client.command("PING").readLine()).isEqualTo("+PONG\r\n");
                    Thread.sleep(50);
                }
            }
            assertThat(peak - before).as("anonymous memory held for ten unread huge replies").isLessThan(128L << 20);
            assertThat(server.log()).doesNotContain("output buffer limits");

            // A hog that starts reading gets its whole reply, then answers to the next command.
            Socket reader = hogs.getFirst();
            reader.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = input(reader);
            readVall(in, ELEMENTS);
            assertThat(readLine(in)).isEqualTo("+PONG");
        } finally {
            for (Socket hog : hogs) {
                hog.close();
            }
        }
    }

    @Test
    void aThrottledReaderGetsTheWholeReply() throws Exception {
        long length = 64L << 20;
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(16 << 10);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            slow.getOutputStream().write(("VREAD big 0 " + length / 8 + "\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = input(slow);
            assertThat(readLine(in)).isEqualTo("$" + length);
            // 64 MB at about 32 MB/s: two seconds, far slower than the server produces it.
            byte[] block = new byte[64 << 10];
            ByteBuffer values = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            long expected = 0;
            for (long read = 0; read < length; read += block.length) {
                in.readFully(block);
                values.clear();
                while (values.hasRemaining()) {
                    assertThat(values.getDouble()).isEqualTo((double) expected++);
                }
                if ((read / block.length) % 16 == 0) {
                    Thread.sleep(30);
                }
            }
            assertThat(readLine(in)).isEmpty();
        }
        assertThat(server.log()).doesNotContain("output buffer limits");
    }

    @Test
    void aTransactionOfTwoHugeReadsDeliversBothWhileOtherClientsAreServed() throws Exception {
        warmUp();
        try (Socket transaction = new Socket(); RawClient other = new RawClient(server.port())) {
            transaction.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = transaction.getOutputStream();
            out.write(("MULTI\r\nVALL big\r\nVSET small 1 2.5\r\nVREAD big 0 " + ELEMENTS + "\r\nVGET small 1\r\nEXEC\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = input(transaction);
            for (String queued : List.of("+OK", "+QUEUED", "+QUEUED", "+QUEUED", "+QUEUED")) {
                assertThat(readLine(in)).isEqualTo(queued);
            }
            long before = rssAnon();
            assertThat(readLine(in)).isEqualTo("*4");
            // While the transaction's client reads nothing more, its replies are not built ahead
            // (the server's memory does not grow by them) and other clients are served.
            long peak = before;
            for (int i = 0; i < 20; i++) {
                assertThat(other.command("PING").readLine()).isEqualTo("+PONG\r\n");
                peak = Math.max(peak, rssAnon());
                Thread.sleep(25);
            }
            assertThat(peak - before).as("memory held for a transaction's unread replies").isLessThan(64L << 20);
            readVall(in, ELEMENTS);
            assertThat(readLine(in)).isEqualTo(":1");
            assertThat(readLine(in)).isEqualTo("$" + ELEMENTS * 8);
            skipExactly(in, ELEMENTS * 8 + 2);
            assertThat(readLine(in)).isEqualTo("$3");
            assertThat(readLine(in)).isEqualTo("2.5");
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(in)).isEqualTo("+PONG");
        }
    }

    @Test
    void aHugeArgumentIsReadWhole() throws Exception {
        int elements = 8 << 20; // a 64 MB VWRITE
        ByteBuffer values = ByteBuffer.allocate(elements * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements; i++) {
            values.putDouble(i * 0.5);
        }
        try (RawClient client = new RawClient(server.port())) {
            assertThat(client.command("MMAP", "written", "written.f8", "double", "WRITABLE").readLine()).isEqualTo(":0\r\n");
            byte[] header = ("*4\r\n$6\r\nVWRITE\r\n$7\r\nwritten\r\n$1\r\n0\r\n$" + values.capacity() + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            client.send(header).send(values.array()).send("\r\n");
            assertThat(client.readLine()).isEqualTo(":" + elements + "\r\n");
            String last = String.valueOf((elements - 1) * 0.5);
            assertThat(client.command("VGET", "written", String.valueOf(elements - 1)).readLine())
                    .isEqualTo("$" + last.length() + "\r\n");
            assertThat(client.readLine()).isEqualTo(last + "\r\n");
        }
        assertThat(Files.readAllBytes(dir.resolve("written.f8"))).isEqualTo(values.array());
    }

    /** Runs a VALL once, so that the JIT's memory for the streaming path is not counted as the hogs'. */
    private static void warmUp() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("VALL big\r\n".getBytes(StandardCharsets.US_ASCII));
            readVall(input(socket), ELEMENTS);
        }
    }

    /** Reads a VALL reply of {@code count} doubles 0, 1, 2..., checking each value. */
    private static void readVall(DataInputStream in, long count) throws IOException {
        assertThat(readLine(in)).isEqualTo("*" + count);
        for (long i = 0; i < count; i++) {
            String length = readLine(in);
            String value = readLine(in);
            if (!value.equals(i + "") || !length.equals("$" + value.length())) {
                throw new AssertionError("element " + i + ": " + length + " " + value);
            }
        }
    }

    /** A buffered input with a timeout: a server that stops sending fails the test, not hangs it. */
    private static DataInputStream input(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        return new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    }

    private static void skipExactly(InputStream in, long bytes) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (long left = bytes; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            assertThat(n).isPositive();
            left -= n;
        }
    }

    /** One line without its CRLF. */
    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\r'; ) {
            assertThat(b).as("connection closed").isNotNegative();
            line.append((char) b);
        }
        assertThat(in.read()).isEqualTo('\n');
        return line.toString();
    }

    private static long rssAnon() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no RssAnon in /proc/" + server.pid() + "/status");
    }
}

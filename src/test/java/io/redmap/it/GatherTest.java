package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.redmap.it.ArrayClient.f4;
import static io.redmap.it.ArrayClient.f8;
import static org.assertj.core.api.Assertions.assertThat;

/** VMREAD, the binary gather (SPEC H): VREAD's bytes, VMGET's indices and errors. */
class GatherTest {
    private TestServer server;
    private Jedis jedis;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
        redis = new ArrayClient(jedis);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void gathersTheBytesVreadGivesInTheOrderAskedDuplicatesIncluded() {
        redis.call("MMAP", "plain", "plain.f8", "double", "WRITABLE");
        redis.call("VADD", "plain", 0.5, 1.5, 2.5, 3.5, 4.5);
        redis.call("MMAP", "rows", "rows.f4", "float32", "DIM", 3, "WRITABLE");
        redis.call("VADD", "rows", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        for (String key : List.of("plain", "rows")) {
            for (long[] indices : List.of(new long[] {0}, new long[] {3, 1}, new long[] {2, 2, 0, 2}, new long[] {3, 0, 1, 2})) {
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                for (long index : indices) {
                    expected.writeBytes(vread(key, index, 1));
                }
                assertThat(vmread(key, indices)).as("VMREAD %s %s", key, Arrays.toString(indices))
                        .isEqualTo(expected.toByteArray());
            }
        }
        assertThat(vmread("plain", 4, 0)).isEqualTo(f8(4.5, 0.5));
        assertThat(vmread("rows", 2)).isEqualTo(f4(7, 8, 9));
    }

    @Test
    void refusesBadIndicesWithVmgetsErrors() {
        redis.call("MMAP", "k", "k.i4", "int32", "WRITABLE");
        redis.call("VADD", "k", 1, 2, 3);
        redis.call("MMAP", "empty", "empty.i4", "int32", "WRITABLE");
        List<Object[]> cases = List.of(new Object[] {"k", 3}, new Object[] {"k", -1}, new Object[] {"k", 0, 9},
                new Object[] {"k", "x"}, new Object[] {"k", 1, "1.0"}, new Object[] {"k", ""},
                new Object[] {"k", "9223372036854775808"}, new Object[] {"k", 5, "x"}, new Object[] {"empty", 0},
                new Object[] {"missing", 0}, new Object[] {"k"});
        for (Object[] args : cases) {
            assertThat(redis.error("VMREAD", args)).as("VMREAD %s", Arrays.toString(args))
                    .isEqualTo(redis.error("VMGET", args).replace("'vmget'", "'vmread'"));
        }
        redis.assertError("ERR index exceeds size", "VMREAD", "k", 0, 3);
        redis.assertError("ERR You must do MMAP first", "VMREAD", "missing", 0);
        redis.assertError("ERR wrong number of arguments for 'vmread' command", "VMREAD", "k");
    }

    @Test
    void aLargeGatherIsStreamedWholeAndCorrectWhileOtherClientsAreServed() throws IOException {
        int rows = 20_000;
        int dim = 768;
        Path file = server.path("embeddings.f4");
        // Value j of row i is i + j / 1024: every value tells where it came from.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer row = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows; i++) {
                row.clear();
                for (int j = 0; j < dim; j++) {
                    row.putFloat(i + j / 1024f);
                }
                row.flip();
                while (row.hasRemaining()) {
                    channel.write(row);
                }
            }
        }
        assertThat(redis.call("MMAP", "emb", "embeddings.f4", "float32", "DIM", dim)).isEqualTo((long) rows);
        Random random = new Random(13);
        List<String> words = new ArrayList<>(List.of("VMREAD", "emb"));
        int[] picked = new int[rows];
        for (int i = 0; i < rows; i++) {
            picked[i] = random.nextInt(rows);
            words.add(Integer.toString(picked[i]));
        }
        long length = (long) rows * dim * 4;
        try (Socket slow = new Socket(); Jedis other = server.jedis()) {
            slow.setReceiveBufferSize(16 << 10);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            slow.getOutputStream().write(resp(words));
            DataInputStream in = new DataInputStream(new BufferedInputStream(slow.getInputStream(), 1 << 16));
            assertThat(readLine(in)).isEqualTo("$" + length);
            // The reply waits for its reader: another client is answered meanwhile.
            assertThat(other.ping()).isEqualTo("PONG");
            byte[] block = new byte[dim * 4];
            ByteBuffer values = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows; i++) {
                in.readFully(block);
                for (int j = 0; j < dim; j += 97) {
                    assertThat(values.getFloat(j * 4)).as("row %d value %d", i, j).isEqualTo(picked[i] + j / 1024f);
                }
            }
            assertThat(readLine(in)).isEmpty();
            slow.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(in)).isEqualTo("+PONG");
        }
    }

    @Test
    void refusesAGatherLargerThanProtoMaxBulkLen() {
        redis.call("MMAP", "big", "big.f8", "double", "DIM", 1 << 16, "WRITABLE"); // rows of 512 KB
        Object[] row = new Object[1 << 16];
        Arrays.fill(row, 1);
        Object[] args = new Object[row.length + 1];
        args[0] = "big";
        System.arraycopy(row, 0, args, 1, row.length);
        redis.call("VADD", args);
        assertThat(jedis.configSet("proto-max-bulk-len", "1mb")).isEqualTo("OK");
        assertThat(vmread("big", 0, 0)).hasSize(1 << 20);
        redis.assertError("ERR reply too large: read at most proto-max-bulk-len bytes at a time", "VMREAD", "big", 0, 0, 0);
    }

    private byte[] vread(String key, long start, long count) {
        return (byte[]) jedis.sendCommand(() -> bytes("VREAD"), bytes(key), bytes(start), bytes(count));
    }

    private byte[] vmread(String key, long... indices) {
        byte[][] args = new byte[indices.length + 1][];
        args[0] = bytes(key);
        for (int i = 0; i < indices.length; i++) {
            args[i + 1] = bytes(indices[i]);
        }
        return (byte[]) jedis.sendCommand(() -> bytes("VMREAD"), args);
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resp(List<String> words) {
        StringBuilder out = new StringBuilder("*").append(words.size()).append("\r\n");
        for (String word : words) {
            out.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        assertThat(in.read()).isEqualTo('\n');
        return line.toString();
    }
}

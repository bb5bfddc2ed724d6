package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MIGRATE between two servers outside cluster mode (as Redis allows), and the target's side of it
 * ({@code RDM.IMPORT.*}) facing a client that sends it out of order, names a path it may not use,
 * or would overwrite a file of the target's: refused, nothing changed, nothing left behind.
 */
class MigrateTest {
    @Test
    void migrateMovesTheArrayWithItsFileAndDeletesTheFileItCreated() throws Exception {
        try (TestServer source = TestServer.start(); TestServer target = TestServer.start();
             Jedis sourceJedis = source.jedis(); Jedis targetJedis = target.jedis()) {
            ArrayClient from = new ArrayClient(sourceJedis);
            ArrayClient to = new ArrayClient(targetJedis);
            from.call("MMAP", "made", "made.f8", "double", "WRITABLE");
            from.call("VADD", "made", 1.5, 2.5, 3.5);
            // A file that was there before its MMAP: the source keeps it after the move.
            Files.write(source.path("given.i4"), ArrayClient.le(4, 7, 8));
            from.call("MMAP", "given", "given.i4", "int32", "WRITABLE");

            assertThat(from.call("MIGRATE", "127.0.0.1", target.port(), "", 0, 5000, "KEYS", "made", "given", "absent"))
                    .isEqualTo("OK");
            assertThat(from.call("DBSIZE")).isEqualTo(0L);
            assertThat(to.call("VALL", "made")).isEqualTo(List.of("1.5", "2.5", "3.5"));
            assertThat(to.call("VALL", "given")).isEqualTo(List.of(7L, 8L));
            assertThat(ArrayClient.fileBytes(target.path("made.f8"))).isEqualTo(doubles(1.5, 2.5, 3.5));
            assertThat(source.path("made.f8")).doesNotExist();
            assertThat(ArrayClient.fileBytes(source.path("given.i4"))).isEqualTo(ArrayClient.le(4, 7, 8));
            assertThat(to.call("VFILEPATH", "made")).isEqualTo("made.f8");
            assertThat(from.call("MIGRATE", "127.0.0.1", target.port(), "made", 0, 5000)).isEqualTo("NOKEY");

            // Back again: the source has no file at that path any more, and takes it whole.
            assertThat(to.call("MIGRATE", "127.0.0.1", source.port(), "made", 0, 5000, "COPY")).isEqualTo("OK");
            assertThat(from.call("VALL", "made")).isEqualTo(List.of("1.5", "2.5", "3.5"));
            assertThat(to.call("VCOUNT", "made")).isEqualTo(3L);
        }
    }

    /**
     * Writes in place (not appends) all over a 64 MiB array while MIGRATE moves it: every VSET that
     * was acknowledged by the source is in the target's copy, whichever pass of the move it fell in.
     */
    @Test
    void noAcknowledgedWriteIsLostWhileTheArrayMoves() throws Exception {
        int elements = 8 << 20;
        try (TestServer source = TestServer.start(); TestServer target = TestServer.start();
             Jedis sourceJedis = source.jedis(); Jedis writerJedis = source.jedis(); Jedis targetJedis = target.jedis()) {
            try (RandomAccessFile file = new RandomAccessFile(source.path("big.f8").toFile(), "rw")) {
                file.setLength(8L * elements);
            }
            ArrayClient from = new ArrayClient(sourceJedis);
            assertThat(from.call("MMAP", "big", "big.f8", "double", "WRITABLE")).isEqualTo((long) elements);
            Map<Integer, Integer> acknowledged = new HashMap<>();
            AtomicBoolean moved = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().start(() -> {
                ArrayClient client = new ArrayClient(writerJedis);
                Random random = new Random(7);
                for (int value = 1; ; value++) {
                    int index = random.nextInt(elements);
                    try {
                        client.call("VSET", "big", index, value);
                    } catch (JedisDataException e) {
                        moved.set(true); // the key has gone: the move is over
                        return;
                    }
                    acknowledged.put(index, value);
                }
            });
            Thread.sleep(100);
            assertThat(from.call("MIGRATE", "127.0.0.1", target.port(), "big", 0, 30000)).isEqualTo("OK");
            writer.join(10_000);
            assertThat(moved).isTrue();
            assertThat(acknowledged).hasSizeGreaterThan(100);
            ArrayClient to = new ArrayClient(targetJedis);
            for (var write : acknowledged.entrySet()) {
                assertThat(to.call("VGET", "big", write.getKey())).as("element %d", write.getKey())
                        .isEqualTo(Integer.toString(write.getValue()));
            }
        }
    }

    @Test
    void theImportSideRefusesWhatIsOutOfOrderOrNotItsToTake() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            ArrayClient client = new ArrayClient(jedis);
            client.assertError("ERR no MIGRATE is arriving on this connection (RDM.IMPORT.BEGIN first)",
                    "RDM.IMPORT.BLOCK", 0, "xxxxxxxx");
            client.assertError("ERR no MIGRATE is arriving on this connection (RDM.IMPORT.BEGIN first)",
                    "RDM.IMPORT.FLUSH");
            client.assertError("ERR no MIGRATE is arriving on this connection (RDM.IMPORT.BEGIN first)",
                    "RDM.IMPORT.KEY", 8, "double", 8, 1, "w");
            assertThat(client.error("RDM.IMPORT.BEGIN", 0, "k", "/etc/passwd", 8, "KEEP")).startsWith("ERR ");
            client.assertError("ERR DB index is out of range", "RDM.IMPORT.BEGIN", 99, "k", "k.f8", 8, "KEEP");
            client.call("MMAP", "there", "there.f8", "double", "WRITABLE");
            client.assertError("BUSYKEY Target key name already exists.", "RDM.IMPORT.BEGIN", 0, "there", "x.f8", 8, "KEEP");
            client.assertError("ERR the target file " + server.dir().resolve("there.f8").toRealPath()
                    + " is mapped by another key", "RDM.IMPORT.BEGIN", 0, "other", "there.f8", 8, "KEEP");
            // RDM.SLOT belongs to a cluster's replication stream.
            client.assertError("ERR This instance has cluster support disabled", "RDM.SLOT", 0, "a", 1);

            // A file of the target's at the path, which no key maps, with other contents: kept as it is.
            byte[] own = doubles(42);
            Files.write(server.path("own.f8"), own);
            assertThat(call(jedis, "RDM.IMPORT.BEGIN", "0", "k", "own.f8", "8", "KEEP")).isEqualTo(crcOfOneBlock(own));
            assertThat(call(jedis, "RDM.IMPORT.BLOCK", "0", doubles(7))).isEqualTo("OK");
            assertThat(new ArrayClient(jedis).error("RDM.IMPORT.KEY", 8, "double", 8, 1, "w"))
                    .startsWith("ERR the target already has a different file at ");
            assertThat(ArrayClient.fileBytes(server.path("own.f8"))).isEqualTo(own);
            assertThat(client.call("EXISTS", "k")).isEqualTo(0L);

            // A MIGRATE whose connection drops half-way leaves no file and no temporary file.
            try (Jedis dropped = server.jedis()) {
                assertThat(call(dropped, "RDM.IMPORT.BEGIN", "0", "half", "half.f8", "16", "KEEP")).isEqualTo("");
                assertThat(call(dropped, "RDM.IMPORT.BLOCK", "0", doubles(1, 2))).isEqualTo("OK");
                assertThat(call(dropped, "RDM.IMPORT.FLUSH")).isEqualTo("OK");
            }
            Thread.sleep(200); // the server notices the closed connection on its own thread
            try (Stream<Path> files = Files.list(server.dir())) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .noneMatch(name -> name.contains("half"));
            }
            assertThat(client.call("DBSIZE")).isEqualTo(1L);
            assertThat(client.call("KEYS", "*")).isEqualTo(List.of("there"));
        }
    }

    /** Sends a command with binary arguments; a bulk reply comes back as text (or its bytes' CRC list as text). */
    private static Object call(Jedis jedis, String command, Object... args) {
        byte[][] words = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            words[i] = args[i] instanceof byte[] bytes ? bytes : String.valueOf(args[i]).getBytes(StandardCharsets.UTF_8);
        }
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.US_ASCII);
        Object reply = jedis.sendCommand(name, words);
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : reply;
    }

    /** The BEGIN reply for a file of one block: its CRC32C, 4 little-endian bytes (as ISO-8859-1 text). */
    private static String crcOfOneBlock(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        byte[] sum = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array();
        return new String(sum, StandardCharsets.ISO_8859_1);
    }

    private static byte[] doubles(double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : values) {
            buffer.putDouble(value);
        }
        return buffer.array();
    }
}

package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** MEMORY USAGE|STATS|DOCTOR|MALLOC-STATS|PURGE|HELP, through Jedis and raw sockets, beside a real redis-server. */
class MemoryCommandsTest {
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
    void usageIsTheSizeOfTheKeysFile() throws IOException {
        redis.call("MMAP", "raw", "raw.f8", "double", "WRITABLE");
        for (int i = 0; i < 10; i++) {
            redis.call("VADD", "raw", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        }
        redis.call("MMAP", "npy", "rows.npy", "float32", "DIM", "4", "WRITABLE");
        redis.call("VADD", "npy", 1, 2, 3, 4);
        assertThat(redis.call("MEMORY", "USAGE", "raw")).isEqualTo(800L);
        assertThat(jedis.memoryUsage("raw", 0)).isEqualTo(800L);
        assertThat(redis.call("MEMORY", "USAGE", "raw", "SAMPLES", "5", "samples", "0")).isEqualTo(800L);
        assertThat(redis.call("MEMORY", "USAGE", "npy")).as("a .npy file counts with its header")
                .isEqualTo(Files.size(server.path("rows.npy")));
        assertThat(redis.call("MEMORY", "USAGE", "missing")).isNull();
        // Another program grew the file: counted at its size now.
        try (RandomAccessFile file = new RandomAccessFile(server.path("raw.f8").toFile(), "rw")) {
            file.setLength(8000);
        }
        assertThat(redis.call("MEMORY", "USAGE", "raw")).isEqualTo(8000L);
    }

    /** Sent to both servers after their own setup; the replies must be equal. */
    private static final String[] SCRIPT = {
            "MEMORY USAGE missing", "MEMORY USAGE missing SAMPLES 0", "MEMORY USAGE k SAMPLES", "MEMORY USAGE k SAMPLES -1",
            "MEMORY USAGE k SAMPLES x", "MEMORY USAGE k foo", "MEMORY USAGE k SAMPLES 1 foo", "MEMORY USAGE",
            "MEMORY", "MEMORY foo", "MEMORY STATS x", "MEMORY DOCTOR x", "MEMORY PURGE x", "MEMORY MALLOC-STATS x",
            "MEMORY HELP x", "MEMORY HELP", "memory help", "MEMORY PURGE",
            "HELLO 3", "MEMORY USAGE missing"};

    @Test
    void errorsNilsAndHelpAreRedis() {
        List<String> replies = run(server.port(), "MMAP k k.f8 double WRITABLE");
        assertThat(replies.get(4)).isEqualTo("-ERR value is not an integer or out of range\r\n");
        try (RealRedis real = RealRedis.start()) {
            List<String> redisReplies = run(real.port(), "SET k v");
            int hello = List.of(SCRIPT).indexOf("HELLO 3");
            replies = new ArrayList<>(replies);
            redisReplies = new ArrayList<>(redisReplies);
            replies.remove(hello); // the server's name and version
            redisReplies.remove(hello);
            assertThat(replies).isEqualTo(ObjectCommandsTest.as72(redisReplies));
        }
    }

    private static List<String> run(int port, String setup) {
        try (RawClient client = new RawClient(port)) {
            Exchanges.run(client, setup);
            return Exchanges.run(client, SCRIPT);
        }
    }

    @Test
    void statsHasRedisFieldsInRedisOrderThenRedmapsOwn() {
        redis.call("MMAP", "a", "a.f8", "double", "WRITABLE");
        redis.call("VADD", "a", 1, 2, 3);
        jedis.select(2);
        redis.call("MMAP", "b", "b.i1", "int8", "WRITABLE");
        redis.call("VADD", "b", 7);
        Map<String, Object> stats = stats(redis);
        assertThat(stats.get("keys.count")).isEqualTo(2L);
        @SuppressWarnings("unchecked")
        List<Object> db2 = (List<Object>) stats.get("db.2");
        assertThat(db2).hasSize(6).startsWith("overhead.hashtable.main")
                .endsWith("overhead.hashtable.expires", 0L, "overhead.hashtable.slot-to-keys", 0L);
        assertThat((Long) db2.get(1)).as("one key's heap: its name, path and objects").isBetween(100L, 1000L);
        assertThat((Long) stats.get("total.allocated")).isPositive()
                .isLessThanOrEqualTo((Long) stats.get("peak.allocated"));
        assertThat(stats.get("mapped.bytes")).isEqualTo(25L);
        assertThat(stats.get("mapped.resident")).as("just written: in the page cache").isEqualTo(25L);
        assertThat(Double.parseDouble((String) stats.get("peak.percentage"))).isBetween(0.0, 100.0);

        List<String> redisFields;
        try (RealRedis real = RealRedis.start(); Jedis other = new Jedis("127.0.0.1", real.port())) {
            other.set("a", "1");
            other.select(2);
            other.set("b", "2");
            redisFields = new ArrayList<>(stats(new ArrayClient(other)).keySet());
        }
        List<String> fields = new ArrayList<>(stats.keySet());
        assertThat(fields.subList(0, redisFields.size())).isEqualTo(redisFields);
        assertThat(fields.subList(redisFields.size(), fields.size()))
                .containsExactly("heap.used", "heap.committed", "heap.max", "direct.used", "mapped.bytes", "mapped.resident");
    }

    private static Map<String, Object> stats(ArrayClient client) {
        List<?> flat = (List<?>) client.call("MEMORY", "STATS");
        Map<String, Object> stats = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            stats.put((String) flat.get(i), flat.get(i + 1));
        }
        return stats;
    }

    @Test
    void statsInResp3IsAMapWithDoublesAndNestedMaps() {
        redis.call("MMAP", "a", "a.f8", "double", "WRITABLE");
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("HELLO", "3");
            String reply = raw.call("MEMORY", "STATS");
            assertThat(reply).startsWith("%34\r\n$14\r\npeak.allocated\r\n:")
                    .contains("$4\r\ndb.0\r\n%3\r\n$23\r\noverhead.hashtable.main\r\n:")
                    .containsPattern("\\$18\\r\\ndataset.percentage\\r\\n,[0-9.e+-]+\\r\\n");
        }
    }

    @Test
    void doctorFindsNothingOnAHealthyServerAndMallocStatsShowTheJvm() {
        assertThat(redis.call("MEMORY", "DOCTOR")).isEqualTo("Hi Sam, I can't find any memory issue in your instance. "
                + "I can only account for what occurs on this base.\n");
        assertThat((String) redis.call("MEMORY", "MALLOC-STATS")).contains("heap: used: ", "buffer pool 'direct'");
        assertThat(redis.call("MEMORY", "PURGE")).isEqualTo("OK");
    }

    @Test
    void doctorAndInfoMmapTellWhenTheArraysOutgrowMemory() throws IOException {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long size = (physical + (1L << 30)) / 8 * 8;
        try (RandomAccessFile file = new RandomAccessFile(server.path("huge.u8").toFile(), "rw")) {
            file.setLength(size); // sparse: nothing of it on disk or in memory
        }
        assertThat(redis.call("MMAP", "huge", "huge.u8", "uint8")).isEqualTo(size);
        String report = (String) redis.call("MEMORY", "DOCTOR");
        assertThat(report).startsWith("Sam, I detected a few issues in this redmap instance memory implants:\n\n"
                + " * Arrays larger than memory:").endsWith("I'm here to keep you safe, Sam. I want to help you.\n");
        String info = jedis.info("mmap");
        assertThat(info).contains("\r\nmapped_bytes:" + size + "\r\n", "\r\nmapped_resident_ratio:0.0000\r\n");
        assertThat(redis.call("MEMORY", "USAGE", "huge")).isEqualTo(size);
    }

    @Test
    void infoMmapCountsWrittenPagesAsResident() {
        redis.call("MMAP", "a", "a.f8", "double", "WRITABLE");
        redis.call("VADD", "a", 1, 2, 3, 4);
        assertThat(jedis.info("mmap")).contains("\r\nmapped_resident_bytes:32\r\n", "\r\nmapped_resident_ratio:1.0000\r\n");
    }
}

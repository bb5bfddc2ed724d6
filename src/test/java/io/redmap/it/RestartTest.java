package io.redmap.it;

import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SPEC A: "the keyspace (every key with its path, type, size, writable flag, database) survives a
 * restart, also after kill -9". Each test builds a keyspace of several types, rows, read-only and
 * writable keys in databases 0 and 3, stops the server process one way or another, starts a new
 * one on the same directory and checks that every key answers as before.
 */
class RestartTest {
    @TempDir
    Path dir;

    private ServerProcess server;
    private Jedis jedis;

    /** What one key must answer: VTYPE, VSIZE, VCOUNT, VFILEPATH, VALL, and whether VADD is allowed. */
    private record Key(int db, String name, String type, long size, String path, List<Object> values, boolean writable) {
    }

    private List<Key> keyspace() {
        return List.of(
                new Key(0, "prices", "double", 8, "prices.f8", List.of("1.5", "-2.25", "0.1"), true),
                new Key(0, "counts", "int16", 2, "sub/counts.i16", List.of(-32768L, 0L, 32767L), true),
                new Key(0, "names", "string", 8, "names.txt", List.of("alpha", "omega"), true),
                new Key(0, "frozen", "int32", 4, dir.resolve("frozen.i4").toString(), List.of(7L, 8L, 9L), false),
                new Key(0, "renamed", "float", 4, "old.f4", List.of("0.5"), true),
                new Key(3, "embeddings", "float", 4, "emb.f4",
                        List.of(List.of("1", "2", "3"), List.of("4.5", "5.5", "6.5")), true),
                new Key(3, "big", "uint64", 8, "big.u8", List.of("18446744073709551615", 0L), true),
                new Key(3, "prices", "uint8", 1, "db3/prices.u1", List.of(1L, 2L, 255L), false),
                new Key(3, "victim", "double", 8, "victim.f8", List.of("42"), true));
    }

    @AfterEach
    void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void afterSigtermEveryKeyAnswersAsBefore() throws IOException {
        start();
        populate();
        assertServes(keyspace());

        assertThat(server.terminate()).isIn(0, 143);
        restart();
        assertServes(keyspace());
        assertWritableFlagsRespected();
    }

    @Test
    void afterKillNineEveryKeyAnswersAsBefore() throws IOException {
        start();
        populate();
        server.kill();
        restart();
        assertServes(keyspace());
        assertWritableFlagsRespected();

        // Changes made by the restarted server survive a second kill -9 too.
        select(0);
        assertThat(call("DEL", "counts")).isEqualTo(1L);
        assertThat(call("RENAME", "names", "labels")).isEqualTo("OK");
        assertThat(call("VADD", "prices", "7.5")).isEqualTo(1L);
        select(3);
        assertThat(call("MMAP", "fresh", "fresh.i8", "int64", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "fresh", "-9223372036854775808")).isEqualTo(1L);
        server.kill();
        restart();

        List<Key> expected = new ArrayList<>();
        for (Key key : keyspace()) {
            switch (key.db() + ":" + key.name()) {
                case "0:counts" -> { }
                case "0:names" -> expected.add(new Key(0, "labels", key.type(), key.size(), key.path(), key.values(), true));
                case "0:prices" -> expected.add(new Key(0, "prices", "double", 8, "prices.f8",
                        List.of("1.5", "-2.25", "0.1", "7.5"), true));
                default -> expected.add(key);
            }
        }
        expected.add(new Key(3, "fresh", "int64", 8, "fresh.i8", List.of(Long.MIN_VALUE), true));
        assertServes(expected);
        assertThat(dir.resolve("sub/counts.i16")).as("DEL unmaps, the file stays").hasSize(6);
    }

    @Test
    void aKeyWhoseFileVanishedIsReportedAndLeftOut() throws IOException {
        start();
        populate();
        assertThat(server.terminate()).isIn(0, 143);
        Path victim = dir.resolve("victim.f8");
        Files.delete(victim);

        restart();
        server.awaitLog(Pattern.compile("(?m)^.*\\bvictim\\b.*victim\\.f8.*$"), Duration.ofSeconds(10));
        List<Key> others = keyspace().stream().filter(key -> !key.name().equals("victim")).toList();
        assertServes(others);
        select(3);
        assertThat(call("EXISTS", "victim")).isEqualTo(0L);
        assertError("ERR You must do MMAP first", "VCOUNT", "victim");
        assertThat(victim).as("the server never recreates a missing file").doesNotExist();

        // Nor on a later restart.
        assertThat(server.terminate()).isIn(0, 143);
        restart();
        assertServes(others);
        assertThat(victim).doesNotExist();
    }

    private void populate() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve("db3"));
        Files.write(dir.resolve("frozen.i4"), littleEndianInts(7, 8, 9));
        Files.write(dir.resolve("db3/prices.u1"), new byte[] {1, 2, (byte) 255});

        select(0);
        assertThat(call("MMAP", "prices", "prices.f8")).isEqualTo(0L);
        assertThat(call("VADD", "prices", "1.5", "-2.25", "0.1")).isEqualTo(3L);
        assertThat(call("MMAP", "counts", "sub/counts.i16", "int16", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "counts", "-32768", "0", "32767")).isEqualTo(3L);
        assertThat(call("MMAP", "names", "names.txt", "string", "8", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "names", "alpha", "omega")).isEqualTo(2L);
        assertThat(call("MMAP", "frozen", dir.resolve("frozen.i4").toString(), "int32")).isEqualTo(3L);
        assertThat(call("MMAP", "old", "old.f4", "float", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "old", "0.5")).isEqualTo(1L);
        assertThat(call("RENAME", "old", "renamed")).isEqualTo("OK");
        assertThat(call("MMAP", "dropped", "dropped.f8")).isEqualTo(0L);
        assertThat(call("DEL", "dropped")).isEqualTo(1L);

        select(3);
        assertThat(call("MMAP", "embeddings", "emb.f4", "float", "DIM", "3", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "embeddings", "1", "2", "3", "4.5", "5.5", "6.5")).isEqualTo(2L);
        assertThat(call("MMAP", "big", "big.u8", "uint64", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "big", "18446744073709551615", "0")).isEqualTo(2L);
        assertThat(call("MMAP", "prices", "db3/prices.u1", "uint8")).isEqualTo(3L);
        assertThat(call("MMAP", "victim", "victim.f8", "double", "WRITABLE")).isEqualTo(0L);
        assertThat(call("VADD", "victim", "42")).isEqualTo(1L);
    }

    /** Every key answers as described, and each database holds exactly these keys. */
    private void assertServes(List<Key> keys) {
        for (int db : new int[] {0, 3}) {
            select(db);
            Set<String> names = new TreeSet<>();
            for (Key key : keys) {
                if (key.db() != db) {
                    continue;
                }
                names.add(key.name());
                String name = key.name();
                String what = "db " + db + " key " + name;
                assertThat(call("TYPE", name)).as(what).isEqualTo("mmap");
                assertThat(call("VTYPE", name)).as(what).isEqualTo(key.type());
                assertThat(call("VSIZE", name)).as(what).isEqualTo(key.size());
                assertThat(call("VCOUNT", name)).as(what).isEqualTo((long) key.values().size());
                assertThat(call("VFILEPATH", name)).as(what).isEqualTo(key.path());
                assertThat(call("VALL", name)).as(what).isEqualTo(key.values());
                assertThat(call("VGET", name, "0")).as(what).isEqualTo(key.values().getFirst());
                assertThat(call("VGET", name, Integer.toString(key.values().size() - 1))).as(what)
                        .isEqualTo(key.values().getLast());
            }
            assertThat(new TreeSet<>(keysIn())).as("keys of db " + db).isEqualTo(names);
        }
        select(0);
        assertThat(call("EXISTS", "dropped", "old")).as("DEL'd and RENAMEd-away keys stay gone").isEqualTo(0L);
    }

    /** Read-only keys refuse writes after the restart; writable ones still take them. */
    private void assertWritableFlagsRespected() {
        select(0);
        assertError("ERR The file is not writable", "VADD", "frozen", "10");
        assertError("ERR The file is not writable", "VSET", "frozen", "0", "10");
        assertThat(call("VGET", "frozen", "0")).isEqualTo(7L);
        assertThat(call("VADD", "counts", "12")).isEqualTo(1L);
        assertThat(call("VPOP", "counts")).isEqualTo(12L);
        select(3);
        assertError("ERR The file is not writable", "VPOP", "prices");
        assertThat(call("VADD", "embeddings", "7", "8", "9")).isEqualTo(1L);
        assertThat(call("VPOP", "embeddings")).isEqualTo(List.of("7", "8", "9"));
    }

    private void assertError(String message, String name, String... args) {
        assertThatThrownBy(() -> call(name, args)).as(name + " " + String.join(" ", args))
                .isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    @Test
    void idleKeysHoldNoDescriptorsSoonAfterARestart() throws Exception {
        start();
        Files.createDirectories(dir.resolve("many"));
        int keys = 200;
        for (int i = 0; i < keys; i++) {
            call("MMAP", "k" + i, "many/" + i + ".f8", "double", "WRITABLE");
        }
        assertThat(jedis.dbSize()).isEqualTo(keys);
        assertThat(server.terminate()).isIn(0, 143);
        restart();
        // The load opens every file; the first housekeeping pass (each second) closes them all.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long open = server.descriptorsUnder(dir.resolve("many"));
        while (open > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            open = server.descriptorsUnder(dir.resolve("many"));
        }
        assertThat(open).as("descriptors of idle keys still open").isZero();
        assertThat(call("VADD", "k7", "1.5")).isEqualTo(1L);
        assertThat(jedis.dbSize()).isEqualTo(keys);
    }

    private void start() {
        server = ServerProcess.start(dir);
        jedis = new Jedis("127.0.0.1", server.port(), 10_000);
    }

    /** A fresh process on the same directory (the previous one has exited). */
    private void restart() {
        jedis.close();
        ServerProcess next = server.restart();
        server.close();
        server = next;
        jedis = new Jedis("127.0.0.1", server.port(), 10_000);
    }

    private void select(int db) {
        assertThat(jedis.select(db)).isEqualTo("OK");
    }

    @SuppressWarnings("unchecked")
    private List<String> keysIn() {
        return (List<String>) call("KEYS", "*");
    }

    /** Sends any command; bulk strings come back as Java strings, arrays as lists. */
    private Object call(String name, String... args) {
        ProtocolCommand command = () -> name.getBytes(StandardCharsets.UTF_8);
        return text(jedis.sendCommand(command, args));
    }

    private static Object text(Object reply) {
        return switch (reply) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case List<?> list -> list.stream().map(RestartTest::text).toList();
            case null, default -> reply;
        };
    }

    private static byte[] littleEndianInts(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }
}

package io.redmap.it;

import io.redmap.server.RedmapServer;
import io.redmap.server.ServerConfig;
import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import redis.clients.jedis.Jedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The less common keyspace, connection and server commands, through Jedis (RESP2) and raw sockets. */
class KeyspaceAndServerExtrasTest {
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
    void unlinkUnmapsAndKeepsTheFile() {
        mapWith("k", "k.bin", 1.5, 2.5);
        assertThat(redis.call("UNLINK", "k", "missing")).isEqualTo(1L);
        assertThat(jedis.exists("k")).isFalse();
        assertThat(server.path("k.bin")).exists().hasSize(16);
        assertThat(redis.call("UNLINK", "k")).isEqualTo(0L);
        redis.assertError("ERR You must do MMAP first", "VGET", "k", 0);
        assertThat(redis.call("MMAP", "again", "k.bin")).isEqualTo(2L);
        assertThat(redis.call("VGET", "again", 1)).isEqualTo("2.5");
    }

    @Test
    void ttlAndPttlSayMappedKeysNeverExpire() {
        mapWith("k", "k.bin");
        assertThat(redis.call("TTL", "k")).isEqualTo(-1L);
        assertThat(redis.call("PTTL", "k")).isEqualTo(-1L);
        assertThat(redis.call("TTL", "missing")).isEqualTo(-2L);
        assertThat(redis.call("PTTL", "missing")).isEqualTo(-2L);
    }

    @Test
    void moveTakesAKeyToAnotherDatabase() {
        mapWith("k", "k.bin", 4.25);
        assertThat(redis.call("MOVE", "k", 3)).isEqualTo(1L);
        assertThat(jedis.exists("k")).isFalse();
        jedis.select(3);
        assertThat(redis.call("VGET", "k", 0)).isEqualTo("4.25");
        assertThat(redis.call("VFILEPATH", "k")).isEqualTo("k.bin");

        redis.assertError("ERR DB index is out of range", "MOVE", "k", 16);
        redis.assertError("ERR DB index is out of range", "MOVE", "k", -1);
        redis.assertError("ERR source and destination objects are the same", "MOVE", "k", 3);
        assertThat(redis.call("MOVE", "missing", 0)).isEqualTo(0L);

        // The target already has the key: nothing moves, both stay as they were.
        jedis.select(0);
        mapWith("k", "other.bin", 9.0);
        jedis.select(3);
        assertThat(redis.call("MOVE", "k", 0)).isEqualTo(0L);
        assertThat(redis.call("VFILEPATH", "k")).isEqualTo("k.bin");
        jedis.select(0);
        assertThat(redis.call("VFILEPATH", "k")).isEqualTo("other.bin");
    }

    @Test
    void resetRestoresAFreshConnection() {
        try (RawClient raw = new RawClient(server.port())) {
            raw.command("HELLO", "3");
            for (String line = raw.readLine(); !line.equals("*0\r\n"); line = raw.readLine()) {
                assertThat(line).isNotEmpty();
            }
            expect(raw.command("SELECT", "5"), "+OK\r\n");
            expect(raw.command("CLIENT", "SETNAME", "before-reset"), "+OK\r\n");
            expect(raw.command("MULTI"), "+OK\r\n");
            expect(raw.command("PING"), "+QUEUED\r\n");

            expect(raw.command("RESET"), "+RESET\r\n");

            expect(raw.command("PING"), "+PONG\r\n");                      // no MULTI any more
            expect(raw.command("EXEC"), "-ERR EXEC without MULTI\r\n");
            expect(raw.command("CLIENT", "GETNAME"), "$-1\r\n");           // no name, RESP2 nil (RESP3: _)
            String info = bulk(raw.command("CLIENT", "INFO"));
            assertThat(info).contains(" db=0 ", " resp=2 ", " name= ");
        }
    }

    @Test
    void clientNoEvictAndNoTouchAcceptOnAndOff() {
        assertThat(redis.call("CLIENT", "NO-EVICT", "on")).isEqualTo("OK");
        assertThat(redis.call("CLIENT", "NO-EVICT", "OFF")).isEqualTo("OK");
        assertThat(redis.call("CLIENT", "NO-TOUCH", "ON")).isEqualTo("OK");
        assertThat(redis.call("CLIENT", "NO-TOUCH", "off")).isEqualTo("OK");
        assertThat(jedis.clientNoEvictOn()).isEqualTo("OK");
        assertThat(jedis.clientNoTouchOff()).isEqualTo("OK");
        redis.assertError("ERR syntax error", "CLIENT", "NO-EVICT", "maybe");
        redis.assertError("ERR syntax error", "CLIENT", "NO-TOUCH", "yes");
        redis.assertError("ERR wrong number of arguments for 'client|no-evict' command", "CLIENT", "NO-EVICT");
    }

    @Test
    void bgsaveAndLastsave() {
        long before = (Long) redis.call("LASTSAVE");
        assertThat(before).isBetween(System.currentTimeMillis() / 1000 - 3600, System.currentTimeMillis() / 1000 + 5);
        assertThat(redis.call("BGSAVE")).isEqualTo("Background saving started");
        assertThat(redis.call("SAVE")).isEqualTo("OK");
        long after = jedis.lastsave();
        assertThat(after).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(System.currentTimeMillis() / 1000 + 1);
    }

    @Test
    void configResetstatZeroesTheCounters() {
        for (int i = 0; i < 20; i++) {
            redis.call("DBSIZE");
        }
        long before = commandsProcessed();
        assertThat(before).isGreaterThanOrEqualTo(20);
        assertThat(redis.call("CONFIG", "RESETSTAT")).isEqualTo("OK");
        long after = commandsProcessed();
        assertThat(after).isLessThan(before).isLessThan(5);
        for (int i = 0; i < 10; i++) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
        assertThat(commandsProcessed()).as("PING counts as a command, as in Redis").isGreaterThanOrEqualTo(after + 10);
    }

    @Test
    void configRewriteNeedsAConfigFile() {
        redis.assertError("ERR The server is running without a config file", "CONFIG", "REWRITE");
    }

    @Test
    void configRewriteUpdatesTheFileAndKeepsItsComments(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("redis.conf");
        Files.writeString(conf, """
                # redmap test configuration
                # (this comment must survive a rewrite)
                mmap-sync everysec

                # the server's timer
                hz 10
                """);
        try (RedmapServer started = RedmapServer.start(ServerConfig.fromArgs(conf.toString(),
                "--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
             Jedis client = new Jedis("127.0.0.1", started.port(), 10_000)) {
            ArrayClient fromFile = new ArrayClient(client);
            assertThat(fromFile.call("CONFIG", "SET", "mmap-sync", "always")).isEqualTo("OK");
            assertThat(fromFile.call("CONFIG", "REWRITE")).isEqualTo("OK");
        }
        List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
        assertThat(lines).contains("# redmap test configuration", "# (this comment must survive a rewrite)",
                "# the server's timer", "mmap-sync always", "hz 10").doesNotContain("mmap-sync everysec");
        assertThat(lines.indexOf("mmap-sync always")).as("rewritten in place").isEqualTo(2);
        assertThat(ServerConfig.fromArgs(conf.toString()).get("mmap-sync")).isEqualTo("always");
    }

    @Test
    void discardDropsTheQueuedCommands() {
        mapWith("k", "k.bin", 1.0);
        assertThat(redis.call("MULTI")).isEqualTo("OK");
        assertThat(redis.call("VSET", "k", 0, 99)).isEqualTo("QUEUED");
        assertThat(redis.call("VADD", "k", 2, 3)).isEqualTo("QUEUED");
        assertThat(redis.call("DISCARD")).isEqualTo("OK");
        assertThat(redis.call("VCOUNT", "k")).isEqualTo(1L);
        assertThat(redis.call("VGET", "k", 0)).isEqualTo("1");
        redis.assertError("ERR DISCARD without MULTI", "DISCARD");
        redis.assertError("ERR EXEC without MULTI", "EXEC");
    }

    @Test
    void unwatchForgetsTheWatchedKeys() {
        mapWith("k", "k.bin", 1.0);
        ArrayClient other = new ArrayClient(server.jedis());

        // Without UNWATCH a change by another client aborts EXEC (nil) ...
        assertThat(redis.call("WATCH", "k")).isEqualTo("OK");
        other.call("VSET", "k", 0, 2);
        assertThat(execVget("k")).isNull();

        // ... after UNWATCH it does not.
        assertThat(redis.call("WATCH", "k")).isEqualTo("OK");
        assertThat(redis.call("UNWATCH")).isEqualTo("OK");
        other.call("VSET", "k", 0, 3);
        assertThat(execVget("k")).isEqualTo(List.of("3"));
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Maps {@code key} to a new double file and appends {@code values}. */
    private void mapWith(String key, String file, double... values) {
        assertThat(redis.call("MMAP", key, file)).isEqualTo(0L);
        if (values.length > 0) {
            Object[] args = new Object[values.length + 1];
            args[0] = key;
            for (int i = 0; i < values.length; i++) {
                args[i + 1] = values[i];
            }
            assertThat(redis.call("VADD", args)).isEqualTo((long) values.length);
        }
    }

    /** MULTI, VGET key 0, EXEC: the EXEC reply (null when a watched key changed). */
    private Object execVget(String key) {
        assertThat(redis.call("MULTI")).isEqualTo("OK");
        assertThat(redis.call("VGET", key, 0)).isEqualTo("QUEUED");
        return redis.call("EXEC");
    }

    private long commandsProcessed() {
        return Arrays.stream(jedis.info("stats").split("\r\n"))
                .filter(line -> line.startsWith("total_commands_processed:"))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1)))
                .findFirst().orElseThrow();
    }

    /** Reads one RESP2 bulk string reply. */
    private static String bulk(RawClient raw) {
        String header = raw.readLine();
        assertThat(header).startsWith("$");
        int length = Integer.parseInt(header.substring(1, header.length() - 2));
        byte[] body = raw.read(length + 2);
        return new String(body, 0, length, StandardCharsets.UTF_8);
    }

    private static void expect(RawClient raw, String expected) {
        assertThat(raw.readLike(expected)).isEqualTo(expected);
    }
}

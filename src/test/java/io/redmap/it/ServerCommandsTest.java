package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientAttributeOption;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.CommandDocument;
import redis.clients.jedis.resps.CommandInfo;
import redis.clients.jedis.resps.ScanResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis server around the arrays, through Jedis (RESP2). */
class ServerCommandsTest {
    private enum Mmap implements ProtocolCommand {
        MMAP, VADD, VGET, VCOUNT;

        @Override
        public byte[] getRaw() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private TestServer server;
    private Jedis jedis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pingAndEcho() {
        assertThat(jedis.ping()).isEqualTo("PONG");
        assertThat(jedis.ping("hi")).isEqualTo("hi");
        assertThat(jedis.echo("a b\r\nc")).isEqualTo("a b\r\nc");
        assertError(() -> jedis.sendCommand(() -> "ECHO".getBytes(StandardCharsets.US_ASCII)),
                "ERR wrong number of arguments for 'echo' command");
    }

    @Test
    void selectChoosesOneOfSixteenDatabases() {
        mmap("k");
        assertThat(jedis.select(15)).isEqualTo("OK");
        assertThat(jedis.dbSize()).isZero();
        mmap("k", "k15.bin");
        mmap("other");
        assertThat(jedis.dbSize()).isEqualTo(2);
        jedis.select(0);
        assertThat(jedis.dbSize()).isEqualTo(1);
        assertError(() -> jedis.select(16), "ERR DB index is out of range");
        assertError(() -> jedis.select(-1), "ERR DB index is out of range");
        assertError(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.SELECT, "x"),
                "ERR value is not an integer or out of range");
    }

    @Test
    void keysExistsAndType() {
        mmap("alpha");
        mmap("beta");
        mmap("alps");
        assertThat(jedis.keys("al*")).containsExactlyInAnyOrder("alpha", "alps");
        assertThat(jedis.keys("*")).containsExactlyInAnyOrder("alpha", "beta", "alps");
        assertThat(jedis.keys("b?t[a-c]")).containsExactly("beta");
        assertThat(jedis.keys("nothing*")).isEmpty();
        assertThat(jedis.exists("alpha", "alpha", "missing")).isEqualTo(2);
        assertThat(jedis.exists("missing")).isFalse();
        assertThat(jedis.type("alpha")).isEqualTo("mmap");
        assertThat(jedis.type("missing")).isEqualTo("none");
    }

    @Test
    void aFullScanReturnsEveryKeyExactlyOnce() {
        List<String> keys = IntStream.range(0, 80).mapToObj(i -> "key:" + i).toList();
        keys.forEach(this::mmap);
        assertThat(scanAll(new ScanParams().count(7), null)).hasSize(80).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(keys);
        assertThat(scanAll(new ScanParams().match("key:1?").count(5), null)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(10, 20).mapToObj(i -> "key:" + i).toList());
        assertThat(scanAll(new ScanParams().count(1000), "mmap")).hasSize(80);
        assertThat(scanAll(new ScanParams(), "string")).isEmpty();
        assertError(() -> jedis.scan("x"), "ERR invalid cursor");
    }

    @Test
    void renameAndRenamenx() {
        mmap("a");
        jedis.sendCommand(Mmap.VADD, "a", "1.5");
        assertThat(jedis.rename("a", "b")).isEqualTo("OK");
        assertThat(jedis.exists("a")).isFalse();
        assertThat(string(jedis.sendCommand(Mmap.VGET, "b", "0"))).isEqualTo("1.5");
        mmap("c");
        assertThat(jedis.renamenx("b", "c")).isZero();
        assertThat(jedis.renamenx("b", "d")).isEqualTo(1);
        assertThat(jedis.rename("d", "c")).isEqualTo("OK");
        assertThat(jedis.keys("*")).containsExactly("c");
        assertThat(string(jedis.sendCommand(Mmap.VGET, "c", "0"))).isEqualTo("1.5");
        assertThat(server.path("c.bin")).exists();
        assertError(() -> jedis.rename("missing", "x"), "ERR no such key");
    }

    @Test
    void flushdbAndFlushallUnmapButKeepFiles() {
        mmap("a");
        jedis.select(3);
        mmap("b");
        assertThat(jedis.flushDB()).isEqualTo("OK");
        assertThat(jedis.dbSize()).isZero();
        jedis.select(0);
        assertThat(jedis.dbSize()).isEqualTo(1);
        assertThat(jedis.flushAll()).isEqualTo("OK");
        assertThat(jedis.dbSize()).isZero();
        assertThat(server.path("a.bin")).exists();
        assertThat(server.path("b.bin")).exists();
        assertThat(mmap("a")).isZero();
    }

    @Test
    void timeIsNowInSecondsAndMicroseconds() {
        List<String> time = jedis.time();
        assertThat(time).hasSize(2);
        long seconds = Long.parseLong(time.get(0));
        assertThat(seconds).isBetween(System.currentTimeMillis() / 1000 - 5, System.currentTimeMillis() / 1000 + 5);
        assertThat(Long.parseLong(time.get(1))).isBetween(0L, 999_999L);
    }

    @Test
    void infoSections() {
        mmap("a");
        mmap("b");
        assertThat(jedis.info()).contains("# Server", "# Clients", "# Keyspace", "# Mmap");
        assertThat(jedis.info("server")).startsWith("# Server\r\n").contains("redis_version:", "tcp_port:" + server.port())
                .doesNotContain("# Clients");
        assertThat(jedis.info("clients")).contains("connected_clients:1");
        assertThat(jedis.info("keyspace")).contains("db0:keys=2,expires=0,avg_ttl=0");
        assertThat(jedis.info("mmap")).contains("mapped_keys:2", "files_open:2", "mmap_sync:everysec");
    }

    @Test
    void configGet() {
        assertThat(jedis.configGet("save")).containsExactly(Map.entry("save", ""));
        assertThat(jedis.configGet("appendonly")).containsExactly(Map.entry("appendonly", "no"));
        // As Redis: the configured value (the test server asks for an ephemeral port with 0).
        assertThat(jedis.configGet("port")).containsExactly(Map.entry("port", "0"));
        assertThat(jedis.configGet("mmap-sync")).containsExactly(Map.entry("mmap-sync", "everysec"));
        assertThat(jedis.configGet("mmap-*")).containsKeys("mmap-sync", "mmap-allow-path", "mmap-file-mode");
        assertThat(jedis.configGet("*max-*-len")).containsOnlyKeys("proto-max-bulk-len");
        assertThat(jedis.configGet("save", "appendonly")).containsOnlyKeys("save", "appendonly");
        assertThat(jedis.configGet("no-such-option")).isEmpty();
    }

    @Test
    void configSet() {
        assertThat(jedis.configSet("mmap-sync", "always")).isEqualTo("OK");
        assertThat(jedis.configGet("mmap-sync")).containsEntry("mmap-sync", "always");
        assertThat(jedis.info("mmap")).contains("mmap_sync:always");
        assertError(() -> jedis.configSet("no-such-option", "1"),
                "ERR Unknown option or number of arguments for CONFIG SET - 'no-such-option'");
        assertErrorStartsWith(() -> jedis.configSet("mmap-sync", "sometimes"),
                "ERR CONFIG SET failed (possibly related to argument 'mmap-sync')");
        // All or nothing: a bad value leaves the good one before it unapplied.
        assertErrorStartsWith(() -> jedis.configSet("hz", "20", "mmap-sync", "sometimes"), "ERR CONFIG SET failed");
        assertThat(jedis.configGet("hz")).containsEntry("hz", "10");
        assertThat(jedis.configGet("mmap-sync")).containsEntry("mmap-sync", "always");
    }

    @Test
    void clientIdNameAndInfo() {
        long id = jedis.clientId();
        assertThat(jedis.clientGetname()).isNull();
        assertThat(jedis.clientSetname("conn-a")).isEqualTo("OK");
        assertThat(jedis.clientGetname()).isEqualTo("conn-a");
        assertError(() -> jedis.clientSetname("has space"),
                "ERR Client names cannot contain spaces, newlines or special characters.");
        assertThat(jedis.clientSetInfo(ClientAttributeOption.LIB_NAME, "mylib")).isEqualTo("OK");
        assertThat(jedis.clientSetInfo(ClientAttributeOption.LIB_VER, "1.2.3")).isEqualTo("OK");
        assertThat(jedis.clientInfo()).startsWith("id=" + id + " ")
                .contains(" name=conn-a ", " db=0 ", " lib-name=mylib", " lib-ver=1.2.3", " resp=2 ");
    }

    @Test
    void clientListAndKill() {
        Jedis other = server.jedis();
        long otherId = other.clientId();
        long id = jedis.clientId();
        assertThat(jedis.clientList()).contains("id=" + id + " ", "id=" + otherId + " ");
        assertThat(jedis.clientList(otherId).lines()).singleElement().asString().startsWith("id=" + otherId + " ");
        assertThat(jedis.clientKill(ClientKillParams.clientKillParams().id(String.valueOf(otherId)))).isEqualTo(1);
        assertThatThrownBy(other::ping).isInstanceOf(JedisConnectionException.class);
        awaitClientGone(otherId);

        Jedis third = server.jedis();
        long thirdId = third.clientId();
        String address = jedis.clientList(thirdId).replaceAll("(?s).* addr=(\\S+) .*", "$1");
        assertThat(jedis.clientKill(address)).isEqualTo("OK");
        assertThatThrownBy(third::ping).isInstanceOf(JedisConnectionException.class);
        awaitClientGone(thirdId);
        assertError(() -> jedis.clientKill("10.0.0.1:1"), "ERR No such client");
        assertThat(jedis.ping()).isEqualTo("PONG");
    }

    @Test
    void containerCommandsCheckTheirSubcommands() {
        assertError(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "nosuch"),
                "ERR unknown subcommand 'nosuch'. Try CLIENT HELP.");
        assertError(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.CONFIG),
                "ERR wrong number of arguments for 'config' command");
        assertError(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.CONFIG, "GET"),
                "ERR wrong number of arguments for 'config|get' command");
    }

    @Test
    void requirepassGatesCommandsUntilAuth() {
        try (TestServer secured = TestServer.start("--requirepass", "secret");
             RawClient raw = new RawClient(secured.port())) {
            expect(raw.command("PING"), "-NOAUTH Authentication required.\r\n");
            expect(raw.command("MMAP", "k", "k.bin"), "-NOAUTH Authentication required.\r\n");
            expect(raw.command("AUTH", "wrong"), "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            expect(raw.command("AUTH", "default", "wrong"),
                    "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            expect(raw.command("PING"), "-NOAUTH Authentication required.\r\n");
            expect(raw.command("AUTH", "secret"), "+OK\r\n");
            expect(raw.command("PING"), "+PONG\r\n");

            Jedis authed = secured.jedis();
            assertThat(authed.auth("secret")).isEqualTo("OK");
            assertThat(authed.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void hello3WithAuthAuthenticatesAndSwitchesProtocol() {
        try (TestServer secured = TestServer.start("--requirepass", "secret");
             RawClient raw = new RawClient(secured.port())) {
            assertThat(raw.command("HELLO", "3").readLine()).startsWith("-NOAUTH HELLO must be called with the client already authenticated");
            expect(raw.command("HELLO", "3", "AUTH", "default", "nope"),
                    "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(raw.command("HELLO", "3", "AUTH", "default", "secret").readLine()).isEqualTo("%7\r\n");
            StringBuilder rest = new StringBuilder();
            for (String line = ""; !line.equals("*0\r\n"); line = raw.readLine()) {
                rest.append(line);
            }
            assertThat(rest.toString()).contains("$5\r\nproto\r\n:3\r\n");
            expect(raw.command("PING"), "+PONG\r\n");
        }
    }

    @Test
    void authWithoutAPasswordConfiguredIsAnError() {
        assertError(() -> jedis.auth("anything"), "ERR AUTH <password> called without any password configured "
                + "for the default user. Are you sure your configuration is correct?");
    }

    @Test
    void commandCountInfoAndList() {
        List<String> names = jedis.commandList();
        List<String> topLevel = names.stream().filter(name -> !name.contains("|")).toList();
        assertThat(names).contains("vget", "mmap", "ping", "client|id", "config|get");
        assertThat(jedis.commandCount()).isEqualTo(topLevel.size());

        CommandInfo vget = jedis.commandInfo("vget").get("vget");
        assertThat(vget.getArity()).isEqualTo(3);
        assertThat(List.of(vget.getFirstKey(), vget.getLastKey(), vget.getStep())).containsExactly(1L, 1L, 1L);
        assertThat(vget.getFlags()).contains("readonly", "fast");
        CommandInfo del = jedis.commandInfo("del").get("del");
        assertThat(del.getArity()).isEqualTo(-2);
        assertThat(List.of(del.getFirstKey(), del.getLastKey(), del.getStep())).containsExactly(1L, -1L, 1L);
        assertThat(jedis.commandInfo("ping").get("ping").getFirstKey()).isZero();
    }

    @Test
    void commandGetkeys() {
        assertThat(jedis.commandGetKeys("del", "a", "b")).containsExactly("a", "b");
        assertThat(jedis.commandGetKeys("vset", "k", "0", "1.5")).containsExactly("k");
        assertThat(jedis.commandGetKeys("rename", "from", "to")).containsExactly("from", "to");
        assertError(() -> jedis.commandGetKeys("ping"), "ERR The command has no key arguments");
        assertError(() -> jedis.commandGetKeys("nosuch", "a"), "ERR Invalid command specified");
        assertError(() -> jedis.commandGetKeys("vget", "k"), "ERR Invalid number of arguments specified for command");
    }

    @Test
    void everyCommandHasASummaryInDocs() {
        List<String> topLevel = jedis.commandList().stream().filter(name -> !name.contains("|")).toList();
        Map<String, CommandDocument> docs = jedis.commandDocs();
        assertThat(docs.keySet()).containsExactlyInAnyOrderElementsOf(topLevel);
        docs.forEach((name, doc) -> assertThat(doc.getSummary()).as("summary of %s", name).isNotBlank());
        CommandDocument vget = jedis.commandDocs("vget").get("vget");
        assertThat(vget.getGroup()).isNotBlank();
        assertThat(vget.getComplexity()).isNotBlank();
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Maps {@code key} to a new double file named after it; replies the count. */
    private long mmap(String key) {
        return mmap(key, key.replace(':', '_') + ".bin");
    }

    private long mmap(String key, String file) {
        return (Long) jedis.sendCommand(Mmap.MMAP, key, file);
    }

    private List<String> scanAll(ScanParams params, String type) {
        List<String> found = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = type == null ? jedis.scan(cursor, params) : jedis.scan(cursor, params, type);
            found.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return found;
    }

    /** A killed connection leaves the list once the server has closed it (asynchronously). */
    private void awaitClientGone(long id) {
        long deadline = System.currentTimeMillis() + 5_000;
        while (jedis.clientList().contains("id=" + id + " ") && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(jedis.clientList()).doesNotContain("id=" + id + " ");
    }

    private static String string(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    private static void expect(RawClient client, String expected) {
        assertThat(client.readLike(expected)).isEqualTo(expected);
    }

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    private static void assertErrorStartsWith(Runnable call, String prefix) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessageStartingWith(prefix);
    }
}

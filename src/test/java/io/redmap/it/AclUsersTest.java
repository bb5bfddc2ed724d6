package io.redmap.it;

import io.lettuce.core.api.sync.RedisCommands;
import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACL users through real clients (Jedis, Lettuce): AUTH as a user, denials of commands, keys and
 * channels with Redis 7.2's -NOPERM texts, ACL LOG, transactions, DELUSER closing connections,
 * CLIENT LIST/KILL USER, RESET, CONFIG SET requirepass, and redmap's mmapdir: rule.
 */
class AclUsersTest {
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    private TestServer start(String... options) {
        TestServer server = TestServer.start(options);
        servers.add(server);
        return server;
    }

    private static Jedis as(TestServer server, String user, String password) {
        Jedis jedis = server.jedis();
        assertThat(jedis.auth(user, password)).isEqualTo("OK");
        return jedis;
    }

    @Test
    void aUserRunsOnlyItsCommandsOnItsKeys() {
        TestServer server = start();
        ArrayClient admin = new ArrayClient(server.jedis());
        admin.call("MMAP", "app:a", "a.f8", "double", "WRITABLE");
        admin.call("MMAP", "other", "o.f8", "double", "WRITABLE");
        admin.call("VADD", "app:a", 1.5);
        admin.call("VADD", "other", 2.5);
        assertThat(admin.call("ACL", "SETUSER", "alice", "on", ">alicepw", "~app:*", "+@read", "+vadd", "-vall", "+acl|whoami"))
                .isEqualTo("OK");
        ArrayClient alice = new ArrayClient(as(server, "alice", "alicepw"));

        assertThat(alice.call("VGET", "app:a", 0)).isEqualTo("1.5");
        assertThat(alice.call("VADD", "app:a", 2)).isEqualTo(1L);
        alice.assertError("NOPERM No permissions to access a key", "VGET", "other", 0);
        alice.assertError("NOPERM No permissions to access a key", "VADD", "other", 3);
        alice.assertError("NOPERM User alice has no permissions to run the 'vset' command", "VSET", "app:a", 0, 9);
        alice.assertError("NOPERM User alice has no permissions to run the 'vall' command", "VALL", "app:a");
        alice.assertError("NOPERM User alice has no permissions to run the 'config|set' command",
                "CONFIG", "SET", "timeout", "5");
        assertThat(alice.call("ACL", "WHOAMI")).isEqualTo("alice");
        // Nothing refused changed anything.
        assertThat(admin.call("VCOUNT", "other")).isEqualTo(1L);
        assertThat(admin.call("VGET", "app:a", 0)).isEqualTo("1.5");
        assertThat(admin.call("CONFIG", "GET", "timeout")).isEqualTo(List.of("timeout", "0"));
        assertThat(admin.call("VCOUNT", "app:a")).isEqualTo(2L);
    }

    @Test
    void migratesKeysFormChecksTheKeysAfterKeysNotTheEmptyThirdArgument() {
        TestServer server = start();
        ArrayClient admin = new ArrayClient(server.jedis());
        admin.call("ACL", "SETUSER", "mover", "on", "nopass", "~foo*", "+@all");
        ArrayClient mover = new ArrayClient(as(server, "mover", "whatever"));
        // An allowed key gets as far as the command (none of them exists here: NOKEY), a denied one does not.
        assertThat(mover.call("MIGRATE", "127.0.0.1", 1, "", 0, 1000, "KEYS", "foo1", "foo2")).isEqualTo("NOKEY");
        mover.assertError("NOPERM No permissions to access a key", "MIGRATE", "127.0.0.1", 1, "", 0, 1000,
                "KEYS", "foo1", "bar");
        mover.assertError("NOPERM No permissions to access a key", "MIGRATE", "127.0.0.1", 1, "bar", 0, 1000);
        assertThat(admin.call("ACL", "DRYRUN", "mover", "MIGRATE", "127.0.0.1", "1", "", "0", "1000", "KEYS", "foo1"))
                .isEqualTo("OK");
        assertThat(admin.call("ACL", "DRYRUN", "mover", "MIGRATE", "127.0.0.1", "1", "", "0", "1000", "KEYS", "bar"))
                .asString().contains("no permissions to access the 'bar' key");
    }

    @Test
    void readAndWritePatternsSplitAccess() {
        TestServer server = start();
        ArrayClient admin = new ArrayClient(server.jedis());
        admin.call("MMAP", "in:x", "in.i8", "int64", "WRITABLE");
        admin.call("MMAP", "out:x", "out.i8", "int64", "WRITABLE");
        admin.call("VADD", "in:x", 7);
        admin.call("ACL", "SETUSER", "etl", "on", "nopass", "%R~in:*", "%W~out:*", "+@array");
        ArrayClient etl = new ArrayClient(as(server, "etl", "whatever"));
        assertThat(etl.call("VGET", "in:x", 0)).isEqualTo(7L);
        assertThat(etl.call("VADD", "out:x", 7)).isEqualTo(1L);
        etl.assertError("NOPERM No permissions to access a key", "VADD", "in:x", 8);
        etl.assertError("NOPERM No permissions to access a key", "VGET", "out:x", 0);
        assertThat(admin.call("VCOUNT", "in:x")).isEqualTo(1L);
    }

    @Test
    void deniedCommandsKeysAndAuthFailuresAreInTheAclLog() {
        TestServer server = start();
        Jedis admin = server.jedis();
        admin.aclSetUser("bob", "on", ">bobpw", "~b*", "+vget");
        Jedis bob = as(server, "bob", "bobpw");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> bob.sendCommand(() -> "VSET".getBytes(), "b", "0", "1"))
                    .hasMessage("NOPERM User bob has no permissions to run the 'vset' command");
        }
        assertThatThrownBy(() -> bob.sendCommand(() -> "VGET".getBytes(), "secret", "0"))
                .hasMessage("NOPERM No permissions to access a key");
        try (Jedis stranger = new Jedis("127.0.0.1", server.port())) {
            assertThatThrownBy(() -> stranger.auth("bob", "wrong"))
                    .hasMessage("WRONGPASS invalid username-password pair or user is disabled.");
        }

        var entries = admin.aclLog();
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0).getReason()).isEqualTo("auth");
        assertThat(entries.get(0).getObject()).isEqualTo("AUTH");
        assertThat(entries.get(0).getUsername()).isEqualTo("bob");
        assertThat(entries.get(1).getReason()).isEqualTo("key");
        assertThat(entries.get(1).getObject()).isEqualTo("secret");
        assertThat(entries.get(2).getReason()).isEqualTo("command");
        assertThat(entries.get(2).getObject()).isEqualTo("vset");
        assertThat(entries.get(2).getCount()).isEqualTo(3);
        assertThat(entries.get(2).getContext()).isEqualTo("toplevel");
        assertThat(entries.get(2).getClientInfo()).containsEntry("user", "bob").containsEntry("cmd", "vset");
        assertThat(admin.aclLog(1)).hasSize(1);
        assertThat(admin.aclLogReset()).isEqualTo("OK");
        assertThat(admin.aclLog()).isEmpty();
        // INFO counts every refusal, not log entries (three VSETs make one entry), as Redis 7.2.
        String stats = admin.info("stats");
        assertThat(stats).contains("acl_access_denied_auth:1\r\n", "acl_access_denied_cmd:3\r\n",
                "acl_access_denied_key:1\r\n", "acl_access_denied_channel:0\r\n");
    }

    @Test
    void aclLogEntriesHaveRedis72sFieldsInLettuce() {
        TestServer server = start("--acllog-max-len", "2");
        RedisCommands<String, String> lettuce = server.lettuce(true).sync();
        lettuce.dispatch(io.lettuce.core.protocol.CommandType.ACL, new io.lettuce.core.output.StatusOutput<>(
                io.lettuce.core.codec.StringCodec.UTF8), new io.lettuce.core.protocol.CommandArgs<>(
                io.lettuce.core.codec.StringCodec.UTF8).add("SETUSER").add("carol").add("on").add(">pw").add("+ping"));
        try (Jedis carol = as(server, "carol", "pw")) {
            for (List<String> command : List.of(List.of("VGET", "k", "0"), List.of("VSET", "k", "0", "1"),
                    List.of("VADD", "k", "1"))) {
                assertThatThrownBy(() -> carol.sendCommand(() -> command.getFirst().getBytes(),
                        command.subList(1, command.size()).toArray(String[]::new))).hasMessageStartingWith("NOPERM");
            }
        }
        List<Map<String, Object>> log = lettuce.aclLog();
        assertThat(log).hasSize(2); // acllog-max-len
        assertThat(log.get(0).keySet()).containsExactly("count", "reason", "context", "object", "username",
                "age-seconds", "client-info", "entry-id", "timestamp-created", "timestamp-last-updated");
        assertThat(log.get(0)).containsEntry("object", "vadd").containsEntry("entry-id", 2L);
        assertThat(log.get(1)).containsEntry("object", "vset").containsEntry("entry-id", 1L);
    }

    @Test
    void aDeniedCommandInMultiAbortsTheTransactionAndExecChecksAgain() {
        TestServer server = start();
        Jedis admin = server.jedis();
        admin.aclSetUser("dan", "on", ">pw", "allkeys", "+@array", "+multi", "+exec", "+discard");
        new ArrayClient(admin).call("MMAP", "k", "k.i8", "int64", "WRITABLE");
        Jedis dan = as(server, "dan", "pw");
        Transaction refused = dan.multi();
        refused.sendCommand(() -> "VADD".getBytes(), "k", "1");
        refused.sendCommand(() -> "CONFIG".getBytes(), "SET", "timeout", "9");
        assertThatThrownBy(refused::exec).hasMessage("EXECABORT Transaction discarded because of previous errors.");
        assertThat(new ArrayClient(admin).call("VCOUNT", "k")).isEqualTo(0L);
        assertThat(admin.aclLog().get(0).getContext()).isEqualTo("multi");

        // Queued while allowed, denied by the time EXEC runs: that command alone fails.
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("AUTH", "dan", "pw");
            assertThat(raw.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(raw.call("VADD", "k", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(raw.call("VCOUNT", "k")).isEqualTo("+QUEUED\r\n");
            admin.aclSetUser("dan", "-vadd");
            assertThat(raw.call("EXEC")).isEqualTo(
                    "*2\r\n-NOPERM User dan has no permissions to run the 'vadd' command\r\n:0\r\n");
        }
    }

    @Test
    void channelsAreCheckedOnPublishAndSubscribe() {
        TestServer server = start();
        server.jedis().aclSetUser("pub", "on", ">pw", "&news.*", "+publish", "+subscribe", "+psubscribe");
        Jedis pub = as(server, "pub", "pw");
        assertThat(pub.publish("news.1", "x")).isEqualTo(0L);
        assertThatThrownBy(() -> pub.publish("sport", "x")).hasMessage("NOPERM No permissions to access a channel");
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("AUTH", "pub", "pw");
            assertThat(raw.call("SUBSCRIBE", "sport")).isEqualTo("-NOPERM No permissions to access a channel\r\n");
            assertThat(raw.call("PSUBSCRIBE", "news.1*")).isEqualTo("-NOPERM No permissions to access a channel\r\n");
            assertThat(raw.call("PSUBSCRIBE", "news.*")).startsWith("*3\r\n$10\r\npsubscribe\r\n");
            // Revoking the channel closes the subscriber, as Redis does.
            server.jedis().aclSetUser("pub", "resetchannels", "&other");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void deletingAUserClosesItsConnectionsAndClientListShowsUsers() {
        TestServer server = start();
        Jedis admin = server.jedis();
        admin.aclSetUser("eve", "on", ">pw", "+@all", "~*");
        Jedis eve = as(server, "eve", "pw");
        assertThat(admin.clientList()).contains("user=eve").contains("user=default");
        assertThat(eve.clientInfo()).contains("user=eve");
        assertThatThrownBy(() -> admin.clientKill(new redis.clients.jedis.params.ClientKillParams().user("nobody")))
                .hasMessage("ERR No such user 'nobody'");
        assertThat(admin.aclDelUser("eve", "nobody")).isEqualTo(1L);
        assertThatThrownBy(eve::ping).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        assertThatThrownBy(() -> admin.aclDelUser("default")).hasMessage("ERR The 'default' user cannot be removed");
        assertThat(admin.aclUsers()).containsExactly("default");

        admin.aclSetUser("fay", "on", ">pw", "+@all", "~*");
        Jedis fay = as(server, "fay", "pw");
        try (Jedis other = as(server, "fay", "pw")) {
            assertThat(admin.clientKill(new redis.clients.jedis.params.ClientKillParams().user("fay"))).isEqualTo(2L);
        }
        assertThatThrownBy(fay::ping).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
    }

    @Test
    void requirepassIsTheDefaultUsersPasswordAndResetGoesBackToIt() {
        TestServer server = start("--requirepass", "s3cret");
        Jedis admin = as(server, "default", "s3cret");
        admin.aclSetUser("gus", "on", ">pw", "+@all", "~*");
        try (RawClient raw = new RawClient(server.port())) {
            assertThat(raw.call("AUTH", "gus", "pw")).isEqualTo("+OK\r\n");
            assertThat(raw.call("ACL", "WHOAMI")).isEqualTo("$3\r\ngus\r\n");
            assertThat(raw.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(raw.call("ACL", "WHOAMI")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(raw.call("HELLO", "3", "AUTH", "gus", "wrong"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        }
        assertThat(admin.configSet("requirepass", "")).isEqualTo("OK");
        assertThat(admin.aclGetUser("default").getFlags()).contains("nopass");
        try (Jedis anyone = new Jedis("127.0.0.1", server.port())) {
            assertThat(anyone.aclWhoAmI()).isEqualTo("default");
            assertThatThrownBy(() -> anyone.auth("x")).hasMessageStartingWith("ERR AUTH <password> called without");
        }
        assertThat(admin.configSet("requirepass", "n3w")).isEqualTo("OK");
        try (Jedis newcomer = new Jedis("127.0.0.1", server.port())) {
            assertThatThrownBy(newcomer::ping).hasMessage("NOAUTH Authentication required.");
            assertThat(newcomer.auth("n3w")).isEqualTo("OK");
        }
    }

    @Test
    void helloAuthenticatesAsAUserInLettuce() {
        TestServer server = start();
        server.jedis().aclSetUser("hal", "on", ">pw", "+@all", "~*");
        var client = io.lettuce.core.RedisClient.create(io.lettuce.core.RedisURI.builder().withHost("127.0.0.1")
                .withPort(server.port()).withAuthentication("hal", "pw").build());
        try (var connection = client.connect()) {
            assertThat(connection.sync().aclWhoami()).isEqualTo("hal");
            assertThat(connection.sync().aclGetuser("hal")).contains("flags", "passwords", "commands", "keys",
                    "channels", "selectors");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void mmapdirLimitsTheFilesAUserMayMapAfterSymlinks() throws Exception {
        TestServer server = start();
        Path allowed = Files.createDirectories(server.path("team"));
        Files.createDirectories(server.path("private"));
        Files.write(server.path("private/secret.i8"), ArrayClient.le(8, 42));
        Files.createSymbolicLink(allowed.resolve("link.i8"), server.path("private/secret.i8"));
        Jedis admin = server.jedis();
        admin.aclSetUser("ida", "on", ">pw", "+@all", "~*", "mmapdir:" + allowed);
        assertThat(admin.aclList()).anyMatch(line -> line.startsWith("user ida on #") && line.contains(" mmapdir:" + allowed + " "));
        assertThat(admin.aclGetUser("ida").getUserInfo()).containsEntry("mmapdirs", "mmapdir:" + allowed);
        ArrayClient ida = new ArrayClient(as(server, "ida", "pw"));

        assertThat(ida.call("MMAP", "t", "team/t.i8", "int64", "WRITABLE")).isEqualTo(0L);
        String refused = "NOPERM No permissions to map a file outside the user's mmapdir directories";
        ida.assertError(refused, "MMAP", "s", "private/secret.i8", "int64");
        ida.assertError(refused, "MMAP", "s", "team/link.i8", "int64");
        ida.assertError(refused, "MMAP", "s", "team/../private/new.i8", "int64", "WRITABLE");
        assertThat(Files.exists(server.path("private/new.i8"))).isFalse();
        assertThat(admin.aclLog().get(0).getReason()).isEqualTo("mmapdir");
        assertThat(new ArrayClient(admin).call("DBSIZE")).isEqualTo(1L);
        admin.aclSetUser("ida", "allmmapdirs");
        assertThat(ida.call("MMAP", "s", "private/secret.i8", "int64")).isEqualTo(1L);
    }

    @Test
    void aBadRuleIsRefusedWithRedissErrorAndChangesNothing() {
        TestServer server = start();
        Jedis admin = server.jedis();
        admin.aclSetUser("jo", "on", ">pw", "~a*", "+vget");
        String before = admin.aclList().get(1);
        assertThatThrownBy(() -> admin.aclSetUser("jo", "+vset", "~b*", "+nosuch"))
                .isInstanceOf(JedisDataException.class)
                .hasMessage("ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
        assertThatThrownBy(() -> admin.aclSetUser("new", "on", "bogus"))
                .hasMessage("ERR Error in ACL SETUSER modifier 'bogus': Syntax error");
        assertThat(admin.aclList()).containsExactly("user default on nopass ~* &* +@all", before);
    }
}

package io.redmap.it;

import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The aclfile and the config's {@code user} lines: ACL SAVE writes every user (atomically, read back
 * by ACL LOAD and at start), ACL LOAD refuses a file with one bad line whole and changes nothing, a
 * start with a bad aclfile (or both an aclfile and user lines) stops with a message and exit code 1.
 */
class AclFileTest {
    private final List<TestServer> servers = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    private TestServer start(String... options) {
        TestServer server = TestServer.start(options);
        servers.add(server);
        return server;
    }

    @Test
    void saveWritesEveryUserAndLoadAndRestartReadThemBack() throws Exception {
        Path aclfile = dir.resolve("users.acl");
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\n");
        TestServer server = start("--aclfile", aclfile.toString());
        Jedis admin = server.jedis();
        admin.aclSetUser("alice", "on", ">pw", "~app:*", "%R~ro:*", "&news", "+@read", "-@dangerous", "mmapdir:/srv/a");
        assertThat(admin.aclSave()).isEqualTo("OK");
        List<String> saved = Files.readAllLines(aclfile);
        assertThat(saved).containsExactlyElementsOf(admin.aclList());
        assertThat(saved.get(0)).startsWith("user alice on #").doesNotContain(">pw")
                .endsWith(" mmapdir:/srv/a ~app:* %R~ro:* resetchannels &news -@all +@read -@dangerous");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("users.acl"); // no temp file left
        }

        admin.aclSetUser("bob", "on", "nopass");
        try (Jedis alice = new Jedis("127.0.0.1", server.port())) {
            alice.auth("alice", "pw");
            // LOAD drops bob (not in the file) and keeps alice as saved.
            assertThat(admin.aclLoad()).isEqualTo("OK");
            assertThat(admin.aclUsers()).containsExactly("alice", "default");
            assertThat(admin.clientList()).contains("user=alice");
            assertThat(alice.exists("ro:x")).isFalse(); // still connected, still alice
        }
        server.restart();
        assertThat(server.jedis().aclList()).containsExactlyElementsOf(saved.subList(0, 2));
    }

    @Test
    void aFileWithOneBadLineIsRefusedWholeAtLoad() throws Exception {
        Path aclfile = dir.resolve("users.acl");
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser keep on nopass +@all ~*\n");
        TestServer server = start("--aclfile", aclfile.toString());
        Jedis admin = server.jedis();
        List<String> before = admin.aclList();
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser new on nopass +nosuch\n"
                + "# a comment\nuser other on bogus\nuser new off\n");
        assertThatThrownBy(admin::aclLoad).hasMessage("ERR " + aclfile + ":2: Error in applying operation '+nosuch': "
                + "Unknown command or category name in ACL. " + aclfile + ":3 should start with user keyword followed "
                + "by the username. " + aclfile + ":4: Syntax error. WARNING: Duplicate user 'new' found on line 5. "
                + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
        assertThat(admin.aclList()).isEqualTo(before);
    }

    @Test
    void withoutAnAclfileLoadAndSaveSayHowToStoreUsers() {
        Jedis admin = start().jedis();
        String expected = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users "
                + "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration "
                + "file set) in order to store users in the Redis configuration.";
        assertThatThrownBy(admin::aclLoad).hasMessage(expected);
        assertThatThrownBy(admin::aclSave).hasMessage(expected);
    }

    @Test
    void aBadAclfileOrAclfileWithUserLinesStopsTheStart() throws Exception {
        Path aclfile = dir.resolve("bad.acl");
        Files.writeString(aclfile, "user ok on nopass\nuser broken on +nosuch\n");
        try (ServerProcess server = ServerProcess.launch(dir, "--aclfile", aclfile.toString())) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(server.log()).contains("Aborting startup because of ACL errors: " + aclfile
                    + ":2: Error in applying operation '+nosuch'");
        }
        Files.writeString(aclfile, "user ok on nopass\n");
        try (ServerProcess server = ServerProcess.launch(dir, "--aclfile", aclfile.toString(), "--user", "x on")) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(server.log()).contains("please define either an ACL file or declare users directly");
        }
        try (ServerProcess server = ServerProcess.launch(dir, "--aclfile", dir.resolve("missing.acl").toString())) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(server.log()).contains("Error loading ACLs, opening file '" + dir.resolve("missing.acl")
                    + "': No such file or directory");
        }
    }

    @Test
    void userLinesInTheConfigFileDefineUsersAndConfigRewriteKeepsThem() throws Exception {
        Path config = dir.resolve("redmap.conf");
        Files.writeString(config, "user alice on >pw ~a* +@array\nuser default on >adminpw ~* &* +@all\n");
        ServerProcess server = ServerProcess.startWithConfig(dir, config);
        try (Jedis alice = new Jedis("127.0.0.1", server.port()); Jedis admin = new Jedis("127.0.0.1", server.port())) {
            assertThat(alice.auth("alice", "pw")).isEqualTo("OK");
            assertThatThrownBy(() -> alice.configGet("port")).hasMessageStartingWith("NOPERM");
            assertThatThrownBy(admin::ping).hasMessage("NOAUTH Authentication required.");
            admin.auth("adminpw");
            admin.aclSetUser("carl", "on", ">cpw", "+@read", "~c*");
            assertThat(admin.configRewrite()).isEqualTo("OK");
        }
        assertThat(server.terminate()).isIn(0, 143);
        assertThat(Files.readString(config)).contains("user carl on #");
        try (ServerProcess again = server.restart(); Jedis carl = new Jedis("127.0.0.1", again.port())) {
            assertThat(carl.auth("carl", "cpw")).isEqualTo("OK");
            assertThatThrownBy(() -> carl.configGet("port")).hasMessageStartingWith("NOPERM User carl");
        }
    }

    @Test
    void aBadUserLineStopsTheStart() {
        try (ServerProcess server = ServerProcess.launch(dir, "--user", "alice on +nosuch")) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(server.log()).contains("Error loading ACL rule '+nosuch' for the user named 'alice': "
                    + "Unknown command or category name in ACL");
        }
    }
}

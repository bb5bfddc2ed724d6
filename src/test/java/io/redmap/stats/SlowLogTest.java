package io.redmap.stats;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Slowlog;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SLOWLOG through Jedis's slow log API and raw RESP: entries, their limits, the options. */
class SlowLogTest {
    private TestServer server;
    private Jedis jedis;

    @BeforeEach
    void start() {
        server = TestServer.start("--slowlog-log-slower-than", "0");
        jedis = server.jedis();
        jedis.clientSetname("tester");
        jedis.sendCommand(() -> "MMAP".getBytes(), "k", "k.f8", "double", "WRITABLE");
        jedis.sendCommand(() -> "VADD".getBytes(), "k", "1", "2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void entriesSayWhatRanWhenForHowLongAndForWhom() {
        jedis.sendCommand(() -> "VGET".getBytes(), "k", "1");
        Slowlog entry = jedis.slowlogGet(1).getFirst();
        assertThat(entry.getArgs()).containsExactly("VGET", "k", "1");
        assertThat(entry.getClientName()).isEqualTo("tester");
        assertThat(entry.getClientIpPort().getHost()).isEqualTo("127.0.0.1");
        assertThat("addr=127.0.0.1:" + entry.getClientIpPort().getPort() + " ").isSubstringOf(jedis.clientInfo());
        assertThat(entry.getExecutionTime()).isNotNegative();
        assertThat(entry.getTimeStamp()).isBetween(System.currentTimeMillis() / 1000 - 600, System.currentTimeMillis() / 1000 + 1);

        List<Slowlog> newest = jedis.slowlogGet(3);
        assertThat(newest).hasSize(3);
        assertThat(newest.get(0).getId()).isGreaterThan(newest.get(1).getId());
        assertThat(newest.get(1).getArgs()).as("the previous SLOWLOG GET is logged too").containsExactly("SLOWLOG", "GET", "1");
    }

    @Test
    void longCommandsAreCutAndPasswordsHidden() {
        List<String> indexes = new ArrayList<>(List.of("k"));
        for (int i = 0; i < 40; i++) {
            indexes.add("0");
        }
        jedis.sendCommand(() -> "VMGET".getBytes(), indexes.toArray(String[]::new));
        List<String> args = jedis.slowlogGet(1).getFirst().getArgs();
        assertThat(args).hasSize(32).startsWith("VMGET", "k", "0").endsWith("... (11 more arguments)");

        jedis.echo("x".repeat(300));
        assertThat(jedis.slowlogGet(1).getFirst().getArgs()).containsExactly("ECHO", "x".repeat(128) + "... (172 more bytes)");

        assertThatThrownBy(() -> jedis.auth("someone", "secret")).hasMessageStartingWith("WRONGPASS");
        assertThat(jedis.slowlogGet(1).getFirst().getArgs()).containsExactly("AUTH", "(redacted)", "(redacted)");
    }

    @Test
    void theOptionsDecideWhatIsLoggedAndHowMuchIsKept() {
        jedis.configSet("slowlog-max-len", "2");
        jedis.sendCommand(() -> "VCOUNT".getBytes(), "k");
        assertThat(jedis.slowlogLen()).isEqualTo(2);
        assertThat(jedis.slowlogGet(-1)).hasSize(2);

        assertThat(jedis.slowlogReset()).isEqualTo("OK");
        assertThat(jedis.slowlogLen()).as("RESET is logged once it has run").isEqualTo(1);
        jedis.configSet("slowlog-log-slower-than", "-1");
        jedis.slowlogReset();
        jedis.sendCommand(() -> "VCOUNT".getBytes(), "k");
        assertThat(jedis.slowlogLen()).as("-1 logs nothing").isZero();
        jedis.configSet("slowlog-log-slower-than", "60000000");
        jedis.sendCommand(() -> "VCOUNT".getBytes(), "k");
        assertThat(jedis.slowlogLen()).as("nothing here takes a minute").isZero();

        assertThatThrownBy(() -> jedis.configSet("slowlog-log-slower-than", "-2")).hasMessage(
                "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 "
                        + "and 9223372036854775807 inclusive");
        assertThat(jedis.configGet("slowlog-log-slower-than")).containsEntry("slowlog-log-slower-than", "60000000");
    }

    @Test
    void refusalsAndTheReplyShapeAreRedis() {
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("SLOWLOG", "RESET");
            assertThat(raw.call("SLOWLOG", "GET", "x")).isEqualTo("-ERR count should be greater than or equal to -1\r\n");
            assertThat(raw.call("SLOWLOG", "GET", "-2")).isEqualTo("-ERR count should be greater than or equal to -1\r\n");
            assertThat(raw.call("SLOWLOG", "GET", "1", "2"))
                    .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
            assertThat(raw.call("SLOWLOG", "LEN", "1")).isEqualTo("-ERR wrong number of arguments for 'slowlog|len' command\r\n");
            assertThat(raw.call("SLOWLOG", "GET", "0")).isEqualTo("*0\r\n");
            raw.call("CLIENT", "SETNAME", "raw");
            assertThat(raw.call("SLOWLOG", "GET", "1")).matches("\\*1\r\n\\*6\r\n:\\d+\r\n:\\d+\r\n:\\d+\r\n"
                    + "\\*3\r\n\\$6\r\nCLIENT\r\n\\$7\r\nSETNAME\r\n\\$3\r\nraw\r\n\\$\\d+\r\n127\\.0\\.0\\.1:\\d+\r\n\\$3\r\nraw\r\n");
        }
    }
}

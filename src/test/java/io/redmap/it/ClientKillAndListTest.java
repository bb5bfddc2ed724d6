package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CLIENT KILL in both its forms and CLIENT LIST's filters, reply for reply as Redis 7. */
class ClientKillAndListTest {
    private static final String SYNTAX = "-ERR syntax error\r\n";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sentinelsFailoverTransactionKillsEveryOtherNormalClient() {
        try (RawClient sentinel = new RawClient(server.port()); RawClient a = new RawClient(server.port());
             RawClient b = new RawClient(server.port())) {
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(b.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(Exchanges.run(sentinel, "MULTI", "CLIENT KILL TYPE normal", "CLIENT KILL TYPE pubsub", "EXEC"))
                    .containsExactly("+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "*2\r\n:2\r\n:0\r\n");
            assertThat(a.closedByServer()).isTrue();
            assertThat(b.closedByServer()).isTrue();
            assertThat(sentinel.call("PING")).as("SKIPME is yes by default").isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void typesWithoutClientsKillNoneAndAnUnknownTypeIsAnError() {
        try (RawClient caller = new RawClient(server.port()); RawClient other = new RawClient(server.port())) {
            // Answered, so registered: a connection only accepted by the kernel is no client yet.
            assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(Exchanges.run(caller, "CLIENT KILL TYPE pubsub", "CLIENT KILL TYPE master",
                    "CLIENT KILL TYPE replica", "CLIENT KILL TYPE slave", "CLIENT KILL TYPE x", "CLIENT KILL TYPE Normal"))
                    .containsExactly(":0\r\n", ":0\r\n", ":0\r\n", ":0\r\n", "-ERR Unknown client type 'x'\r\n", ":1\r\n");
            assertThat(other.closedByServer()).isTrue();
        }
    }

    @Test
    void skipmeTakesOnlyYesOrNoAndNoKillsTheCallerAfterTheReply() {
        try (RawClient caller = new RawClient(server.port()); RawClient other = new RawClient(server.port())) {
            assertThat(caller.call("CLIENT", "KILL", "SKIPME", "maybe")).isEqualTo(SYNTAX);
            assertThat(other.call("PING")).as("a refused KILL kills nobody").isEqualTo("+PONG\r\n");
            assertThat(caller.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "NO")).isEqualTo(":2\r\n");
            assertThat(caller.closedByServer()).isTrue();
            assertThat(other.closedByServer()).isTrue();
        }
    }

    @Test
    void idUserAndLaddrSelectClients() {
        try (RawClient caller = new RawClient(server.port()); RawClient a = new RawClient(server.port());
             RawClient b = new RawClient(server.port())) {
            String aId = a.call("CLIENT", "ID").substring(1).trim();
            assertThat(Exchanges.run(caller, "CLIENT KILL ID 0", "CLIENT KILL ID -1", "CLIENT KILL ID abc",
                    "CLIENT KILL USER bob", "CLIENT KILL LADDR 10.1.2.3:6379", "CLIENT KILL ID " + aId))
                    .containsExactly("-ERR client-id should be greater than 0\r\n",
                            "-ERR client-id should be greater than 0\r\n", "-ERR client-id should be greater than 0\r\n",
                            "-ERR No such user 'bob'\r\n", ":0\r\n", ":1\r\n");
            assertThat(a.closedByServer()).isTrue();
            assertThat(caller.call("CLIENT", "KILL", "USER", "default", "LADDR", "127.0.0.1:" + server.port()))
                    .isEqualTo(":1\r\n");
            assertThat(b.closedByServer()).isTrue();
            assertThat(caller.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void theOldFormKillsByAddressOrSaysNoSuchClient() {
        try (RawClient caller = new RawClient(server.port()); RawClient other = new RawClient(server.port())) {
            String info = other.call("CLIENT", "INFO");
            String address = info.substring(info.indexOf(" addr=") + 6, info.indexOf(" laddr="));
            assertThat(caller.call("CLIENT", "KILL", "1.2.3.4:5")).isEqualTo("-ERR No such client\r\n");
            assertThat(caller.call("CLIENT", "KILL", address)).isEqualTo("+OK\r\n");
            assertThat(other.closedByServer()).isTrue();
            String mine = caller.call("CLIENT", "INFO");
            assertThat(caller.call("CLIENT", "KILL", mine.substring(mine.indexOf(" addr=") + 6, mine.indexOf(" laddr="))))
                    .as("the old form may kill the caller, after its reply").isEqualTo("+OK\r\n");
            assertThat(caller.closedByServer()).isTrue();
        }
    }

    @Test
    void clientListFiltersByTypeAndId() {
        try (RawClient caller = new RawClient(server.port()); RawClient other = new RawClient(server.port())) {
            String otherId = other.call("CLIENT", "ID").substring(1).trim();
            String callerId = caller.call("CLIENT", "ID").substring(1).trim();
            String all = caller.call("CLIENT", "LIST", "TYPE", "NORMAL");
            assertThat(all).contains("id=" + otherId + " ", "id=" + callerId + " ");
            assertThat(all.indexOf("id=" + callerId + " ")).as("in the order they connected")
                    .isLessThan(all.indexOf("id=" + otherId + " "));
            String twice = caller.call("CLIENT", "LIST", "ID", otherId, "999999", otherId);
            assertThat(twice.split("\n")).filteredOn(line -> line.startsWith("id=")).hasSize(2)
                    .allMatch(line -> line.startsWith("id=" + otherId + " "));
        }
    }

    /** Exchanges whose replies depend on no other connection: the same bytes from redmap and Redis. */
    private static final String[] ALONE = {
            "CLIENT KILL TYPE normal", "CLIENT KILL TYPE pubsub", "CLIENT KILL TYPE master", "CLIENT KILL TYPE replica",
            "CLIENT KILL TYPE slave", "CLIENT KILL TYPE x", "CLIENT KILL SKIPME maybe", "CLIENT KILL SKIPME yes",
            "CLIENT KILL ID 0", "CLIENT KILL ID abc", "CLIENT KILL ID -1", "CLIENT KILL ID 999999",
            "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID", "CLIENT KILL ID 5 SKIPME", "CLIENT KILL USER default",
            "CLIENT KILL USER bob", "CLIENT KILL LADDR 1.2.3.4:5", "CLIENT KILL ADDR 1.2.3.4:5", "CLIENT KILL foo bar",
            "CLIENT KILL", "CLIENT KILL TYPE x ID 0", "CLIENT KILL ID 0 TYPE x", "CLIENT KILL USER bob TYPE x",
            "CLIENT LIST TYPE pubsub", "CLIENT LIST TYPE master", "CLIENT LIST TYPE x", "CLIENT LIST ID abc",
            "CLIENT LIST ID 1 abc", "CLIENT LIST ID 0", "CLIENT LIST ID 999999 -5", "CLIENT LIST ID", "CLIENT LIST TYPE",
            "CLIENT LIST foo", "CLIENT LIST TYPE normal x", "CLIENT LIST TYPE normal", "CLIENT LIST", "CLIENT INFO"};

    @Test
    void aloneOnTheServerEveryFormRepliesAsRedis() {
        List<String> replies = Exchanges.run(server.port(), ALONE);
        assertThat(replies.get(0)).isEqualTo(":0\r\n");
        assertThat(replies.get(5)).isEqualTo("-ERR Unknown client type 'x'\r\n");
        assertThat(replies.get(27)).isEqualTo("-ERR Invalid client ID\r\n");
        assertThat(replies.getLast()).matches("(?s)\\$\\d+\r\nid=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ "
                + "fd=-?\\d+ name= age=\\d+ idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ "
                + "qbuf-free=\\d+ argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ tot-mem=\\d+ "
                + "events=r cmd=client\\|info user=default redir=-1 resp=2 lib-name= lib-ver=\n\r\n");
        try (RealRedis redis = RealRedis.start()) {
            // Redis 7.0 has no CLIENT SETINFO: its lines end before lib-name (7.2 appends it there).
            List<String> ours = replies.stream().map(reply -> reply.replace(" lib-name= lib-ver=", "")).toList();
            assertThat(Exchanges.normalized(ours)).isEqualTo(Exchanges.normalized(Exchanges.run(redis.port(), ALONE)));
        }
    }
}

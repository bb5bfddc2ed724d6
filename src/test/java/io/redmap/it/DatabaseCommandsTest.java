package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** RANDOMKEY and SWAPDB as Redis 7 has them: replies, errors and WATCH compared with a real redis-server. */
class DatabaseCommandsTest {
    @Test
    void randomkeyReturnsEveryKeyOfTheClientsDatabaseAndNilWhenItHasNone() {
        try (TestServer server = TestServer.start()) {
            Jedis jedis = server.jedis();
            ArrayClient redis = new ArrayClient(jedis);
            assertThat(jedis.randomKey()).isNull();
            for (String key : List.of("a", "b", "c")) {
                redis.call("MMAP", key, key + ".f8", "double", "WRITABLE");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                seen.add((String) redis.call("RANDOMKEY"));
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
            jedis.select(1);
            assertThat(jedis.randomKey()).isNull();
        }
    }

    @Test
    void swapdbTradesTheDatabasesForEveryClientAndSurvivesARestart() {
        try (TestServer server = TestServer.start()) {
            ArrayClient zero = new ArrayClient(server.jedis());
            Jedis oneJedis = server.jedis();
            oneJedis.select(1);
            ArrayClient one = new ArrayClient(oneJedis);
            zero.call("MMAP", "a", "a.f8", "double", "WRITABLE");
            zero.call("VADD", "a", 1.5);
            one.call("MMAP", "b", "b.i4", "int32", "WRITABLE");
            one.call("VADD", "b", 7, 8);

            assertThat(zero.call("SWAPDB", 0, 1)).isEqualTo("OK");
            // Clients stay on their numbers and see the other database's keys.
            assertThat(zero.call("KEYS", "*")).isEqualTo(List.of("b"));
            assertThat(zero.call("VGET", "b", 1)).isEqualTo(8L);
            assertThat(one.call("VGET", "a", 0)).isEqualTo("1.5");
            assertThat(one.call("EXISTS", "b")).isEqualTo(0L);
            assertThat(oneJedis.swapDB(1, 5)).isEqualTo("OK");
            assertThat(one.call("DBSIZE")).isEqualTo(0L);

            server.restart();
            ArrayClient after = new ArrayClient(server.jedis());
            assertThat(after.call("VALL", "b")).isEqualTo(List.of(7L, 8L));
            after.call("SELECT", 5);
            assertThat(after.call("VGET", "a", 0)).isEqualTo("1.5");
        }
    }

    /** Argument errors, the same database twice, and RANDOMKEY on an empty database, sent to both servers. */
    private static final String[] ERRORS = {"RANDOMKEY", "RANDOMKEY x", "SWAPDB 0", "SWAPDB a 1", "SWAPDB 0 b",
            "SWAPDB 0 99", "SWAPDB -1 0", "SWAPDB 99999999999 0", "SWAPDB 0 1.5", "SWAPDB 3 3", "SWAPDB 1 2"};

    @Test
    void errorsAndEmptyRepliesAreRedis() {
        List<String> replies;
        try (TestServer server = TestServer.start()) {
            replies = Exchanges.run(server.port(), ERRORS);
        }
        assertThat(replies.get(3)).isEqualTo("-ERR invalid first DB index\r\n");
        try (RealRedis real = RealRedis.start()) {
            assertThat(replies).isEqualTo(Exchanges.run(real.port(), ERRORS));
        }
    }

    @Test
    void swapdbTouchesWatchedKeysThatExistInEitherDatabaseAsRedis() {
        List<String> replies;
        try (TestServer server = TestServer.start()) {
            replies = scripted(server.port(), db -> "MMAP KEY KEY" + db + ".f8 double WRITABLE");
        }
        // in0 exists (touched), in1 exists in the other database (touched), nowhere exists nowhere (runs).
        assertThat(replies).containsSubsequence("*-1\r\n", "*-1\r\n", "*1\r\n+PONG\r\n", "*-1\r\n", "*1\r\n+PONG\r\n");
        try (RealRedis real = RealRedis.start()) {
            assertThat(replies).isEqualTo(scripted(real.port(), db -> "SET KEY v"));
        }
    }

    /**
     * A client WATCHes keys of its database 0 and queues a PING; another client swaps two databases;
     * then EXEC. Keys in0 and in1 start in databases 0 and 1, and move with each swap.
     *
     * @param create the command that makes key KEY in database db on that server (SET on Redis, MMAP here)
     */
    private static List<String> scripted(int port, IntFunction<String> create) {
        try (RawClient watcher = new RawClient(port); RawClient other = new RawClient(port)) {
            Exchanges.run(other, create.apply(0).replace("KEY", "in0"), "SELECT 1",
                    create.apply(1).replace("KEY", "in1"), "SELECT 0");
            List<String> replies = new ArrayList<>();
            for (String[] step : List.of(
                    new String[]{"WATCH in0", "SWAPDB 0 1"}, new String[]{"WATCH in1", "SWAPDB 0 1"},
                    new String[]{"WATCH nowhere", "SWAPDB 0 1"}, new String[]{"WATCH in0 nowhere", "SWAPDB 1 0"},
                    new String[]{"WATCH in0", "SWAPDB 1 1"})) {
                replies.addAll(Exchanges.run(watcher, step[0], "MULTI", "PING"));
                replies.addAll(Exchanges.run(other, step[1]));
                replies.addAll(Exchanges.run(watcher, "EXEC"));
            }
            return replies;
        }
    }

    @Test
    void swapdbIsRefusedInClusterMode() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (TestServer server = TestServer.start("--port", Integer.toString(port), "--cluster-enabled", "yes",
                "--cluster-shard", "s1 0-16383 127.0.0.1:" + port)) {
            new ArrayClient(server.jedis()).assertError("ERR SWAPDB is not allowed in cluster mode", "SWAPDB", 0, 1);
        }
    }
}

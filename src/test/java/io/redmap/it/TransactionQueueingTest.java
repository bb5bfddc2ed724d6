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

/**
 * What MULTI queues and what it runs at once, how a refused EXEC ends the transaction, and what
 * CLIENT INFO shows meanwhile: Redis 7's processCommand, reply for reply.
 */
class TransactionQueueingTest {
    private static final String EXECABORT_PREVIOUS = "-EXECABORT Transaction discarded because of previous errors.\r\n";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One connection, no keys: every reply is comparable with Redis's as it is (CLIENT INFO normalised). */
    private static final String[] SCRIPT = {
            "MULTI", "UNWATCH", "EXEC",
            "MULTI", "EXEC a", "PING", "EXEC a",
            "MULTI", "COMMAND FOO", "PING", "EXEC",
            "MULTI", "CLIENT FOO", "EXEC",
            "MULTI", "DISCARD a", "PING", "EXEC",
            "MULTI", "MULTI a", "EXEC",
            "MULTI", "WATCH k", "MULTI", "EXEC",
            "MULTI", "CLIENT INFO", "PING", "UNWATCH", "EXEC",
            "COMMAND COUNT x", "COMMAND GETKEYS", "CLIENT INFO"};

    @Test
    void queueingAndRefusalsAsRedis() {
        List<String> replies = Exchanges.run(server.port(), SCRIPT);
        assertThat(replies.subList(0, 7)).containsExactly("+OK\r\n", "+QUEUED\r\n", "*1\r\n+OK\r\n", "+OK\r\n",
                "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
                "+PONG\r\n",
                "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
        assertThat(replies.subList(7, 11)).containsExactly("+OK\r\n",
                "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n", "+QUEUED\r\n", EXECABORT_PREVIOUS);
        assertThat(replies.get(17)).as("an arity error of DISCARD dooms the transaction").isEqualTo(EXECABORT_PREVIOUS);
        assertThat(replies.subList(21, 25)).as("refused WATCH and MULTI inside MULTI doom nothing")
                .containsExactly("+OK\r\n", "-ERR WATCH inside MULTI is not allowed\r\n",
                        "-ERR MULTI calls can not be nested\r\n", "*0\r\n");
        assertThat(replies.get(29)).as("while EXEC runs, the client is still in MULTI")
                .contains(" flags=x ", " multi=3 ", " cmd=exec ").endsWith("+PONG\r\n+OK\r\n");
        assertThat(replies.getLast()).contains(" flags=N ", " multi=-1 ");
        try (RealRedis redis = RealRedis.start()) {
            List<String> ours = replies.stream().map(reply -> reply.replace(" lib-name= lib-ver=", "")).toList();
            assertThat(Exchanges.normalized(ours)).isEqualTo(Exchanges.normalized(Exchanges.run(redis.port(), SCRIPT)));
        }
    }

    @Test
    void unwatchInsideMultiIsQueuedSoTheWatchStillAbortsExec() {
        assertThat(aWatchedKeyChangedAfterUnwatchWasQueued(server.port())).isEqualTo("*-1\r\n");
        try (RealRedis redis = RealRedis.start()) {
            assertThat(aWatchedKeyChangedAfterUnwatchWasQueued(redis.port())).isEqualTo("*-1\r\n");
        }
    }

    private static String aWatchedKeyChangedAfterUnwatchWasQueued(int port) {
        try (RawClient watcher = new RawClient(port); RawClient writer = new RawClient(port)) {
            // Each server knows one of the two ways to create k and refuses the other.
            writer.call("MMAP", "k", "k.bin", "int8", "1", "WRITABLE");
            writer.call("SET", "k", "1");
            Exchanges.run(watcher, "WATCH k", "MULTI", "UNWATCH");
            writer.call("DEL", "k");
            return watcher.call("EXEC");
        }
    }

    @Test
    void aRefusedExecAlsoDropsTheWatches() {
        try (RawClient watcher = new RawClient(server.port()); RawClient writer = new RawClient(server.port())) {
            writer.call("MMAP", "k", "k.bin", "int8", "1", "WRITABLE");
            assertThat(Exchanges.run(watcher, "WATCH k", "EXEC a")).containsExactly("+OK\r\n",
                    "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
            assertThat(writer.call("DEL", "k")).isEqualTo(":1\r\n");
            assertThat(Exchanges.run(watcher, "MULTI", "PING", "EXEC")).containsExactly("+OK\r\n", "+QUEUED\r\n",
                    "*1\r\n+PONG\r\n");
        }
    }

    @Test
    void execBeforeAuthIsAbortedWithTheReason() {
        try (TestServer guarded = TestServer.start("--requirepass", "secret")) {
            assertThat(Exchanges.run(guarded.port(), "EXEC", "MULTI")).containsExactly(
                    "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n",
                    "-NOAUTH Authentication required.\r\n");
        }
    }

    @Test
    void anotherClientSeesTheQueueInClientList() {
        try (RawClient queuing = new RawClient(server.port()); RawClient observer = new RawClient(server.port());
             RawClient writer = new RawClient(server.port())) {
            String id = queuing.call("CLIENT", "ID").substring(1).trim();
            Exchanges.run(queuing, "MULTI", "PING", "PING");
            assertThat(observer.call("CLIENT", "LIST", "ID", id)).contains(" flags=x ", " multi=2 ", " cmd=ping ");
            queuing.call("DISCARD");
            assertThat(observer.call("CLIENT", "LIST", "ID", id)).contains(" flags=N ", " multi=-1 ");

            writer.call("MMAP", "k", "k.bin", "int8", "1", "WRITABLE");
            Exchanges.run(queuing, "WATCH k");
            writer.call("DEL", "k");
            // As Redis: a doomed transaction keeps nothing, so its count stays 0.
            Exchanges.run(queuing, "MULTI", "PING");
            assertThat(observer.call("CLIENT", "LIST", "ID", id)).contains(" flags=xd ", " multi=0 ");
            assertThat(queuing.call("EXEC")).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void commandAloneAndItsSubcommandsStillRun() {
        List<String> replies = Exchanges.run(server.port(), "COMMAND", "COMMAND COUNT", "COMMAND HELP",
                "COMMAND INFO command", "COMMAND GETKEYS DEL a b");
        assertThat(replies.get(0)).startsWith("*" + replies.get(1).substring(1).trim() + "\r\n");
        assertThat(replies.get(2)).startsWith("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        assertThat(replies.get(3)).contains("command|count", "command|getkeys", "command|help");
        assertThat(replies.get(4)).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    }
}

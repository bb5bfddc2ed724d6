package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MULTI/EXEC/DISCARD/WATCH on arrays, and long pipelines whose replies come back in order. */
class TransactionsAndPipelinesTest {
    private enum Cmd implements ProtocolCommand {
        MMAP, VADD, VSET, VGET, VCOUNT, VPOP, MULTI, EXEC, DISCARD, FOO;

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
    void multiExecRunsQueuedArrayCommandsInOrder() {
        mmapInt64("k");
        Transaction transaction = jedis.multi();
        transaction.sendCommand(Cmd.VADD, "k", "10", "20");
        transaction.sendCommand(Cmd.VSET, "k", "0", "11");
        transaction.sendCommand(Cmd.VGET, "k", "0");
        transaction.sendCommand(Cmd.VPOP, "k");
        transaction.sendCommand(Cmd.VCOUNT, "k");
        assertThat(transaction.exec()).containsExactly(2L, 1L, 11L, 20L, 1L);
    }

    @Test
    void anErrorInsideExecDoesNotStopTheOtherCommands() {
        mmapInt64("k");
        Transaction transaction = jedis.multi();
        transaction.sendCommand(Cmd.VADD, "k", "1");
        transaction.sendCommand(Cmd.VGET, "k", "5");
        transaction.sendCommand(Cmd.VADD, "k", "2");
        List<Object> results = transaction.exec();
        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isEqualTo(1L);
        assertThat(results.get(1)).isInstanceOfSatisfying(JedisDataException.class,
                error -> assertThat(error).hasMessage("ERR index exceeds size"));
        assertThat(results.get(2)).isEqualTo(1L);
        assertThat(count("k")).isEqualTo(2);
    }

    @Test
    void discardDropsTheQueue() {
        mmapInt64("k");
        Transaction transaction = jedis.multi();
        transaction.sendCommand(Cmd.VADD, "k", "1", "2", "3");
        assertThat(transaction.discard()).isEqualTo("OK");
        assertThat(count("k")).isZero();
    }

    @Test
    void aQueuedUnknownCommandAbortsExec() {
        mmapInt64("k");
        assertThat(status(Cmd.MULTI)).isEqualTo("OK");
        assertThatThrownBy(() -> send(Cmd.FOO, "x")).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR unknown command 'FOO', with args beginning with: 'x' ");
        assertThat(status(Cmd.VADD, "k", "1")).isEqualTo("QUEUED");
        assertThatThrownBy(() -> send(Cmd.EXEC)).isInstanceOf(JedisDataException.class)
                .hasMessage("EXECABORT Transaction discarded because of previous errors.");
        assertThat(count("k")).isZero();
    }

    @Test
    void aQueuedWrongArityAbortsExecOnTheWire() {
        try (RawClient raw = new RawClient(server.port())) {
            raw.command("MMAP", "k", "k.bin");
            raw.command("MULTI");
            raw.command("VADD", "k");
            raw.command("VADD", "k", "1");
            raw.command("EXEC");
            raw.command("VCOUNT", "k");
            expect(raw, ":0\r\n+OK\r\n-ERR wrong number of arguments for 'vadd' command\r\n+QUEUED\r\n"
                    + "-EXECABORT Transaction discarded because of previous errors.\r\n:0\r\n");
        }
    }

    @Test
    void execFailsWhenAnotherClientVsetsAWatchedKey() {
        mmapInt64("k");
        send(Cmd.VADD, "k", "1");
        assertThat(execAfterOtherClient(Cmd.VSET, "k", "0", "9")).isNull();
        assertThat(send(Cmd.VGET, "k", "0")).isEqualTo(9L);
    }

    @Test
    void execFailsWhenAnotherClientVaddsToAWatchedKey() {
        mmapInt64("k");
        assertThat(execAfterOtherClient(Cmd.VADD, "k", "5")).isNull();
        assertThat(count("k")).isEqualTo(1);
    }

    @Test
    void execRunsWhenTheWatchedKeyWasOnlyRead() {
        mmapInt64("k");
        send(Cmd.VADD, "k", "1");
        assertThat(execAfterOtherClient(Cmd.VGET, "k", "0")).containsExactly(1L);
        assertThat(count("k")).isEqualTo(2);
    }

    @Test
    void execRunsWhenAnotherKeyChanged() {
        mmapInt64("k");
        mmapInt64("other");
        assertThat(execAfterOtherClient(Cmd.VADD, "other", "5")).containsExactly(1L);
    }

    @Test
    void execFailsWhenAnotherClientUnmapsRenamesOrFlushes() {
        for (String[] change : new String[][] {{"DEL", "k"}, {"RENAME", "k", "k2"}, {"FLUSHALL"}}) {
            mmapInt64("k");
            assertThat(execAfterOtherClient(() -> change[0].getBytes(StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(change, 1, change.length))).as(change[0]).isNull();
            jedis.flushAll();
        }
    }

    @Test
    void transactionStateErrors() {
        assertThatThrownBy(() -> send(Cmd.EXEC)).hasMessage("ERR EXEC without MULTI");
        assertThatThrownBy(() -> send(Cmd.DISCARD)).hasMessage("ERR DISCARD without MULTI");
        assertThat(status(Cmd.MULTI)).isEqualTo("OK");
        assertThatThrownBy(() -> send(Cmd.MULTI)).hasMessage("ERR MULTI calls can not be nested");
        assertThatThrownBy(() -> jedis.watch("k")).hasMessage("ERR WATCH inside MULTI is not allowed");
        // Neither error dooms the transaction.
        assertThat((List<?>) send(Cmd.EXEC)).isEmpty();
    }

    @Test
    void quitInAPipelineRepliesOkAndSkipsTheRest() {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(multibulk("PING") + multibulk("QUIT") + multibulk("PING"));
            expect(raw, "+PONG\r\n+OK\r\n");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void aPipelineOfTenThousandVaddsThenVcount() {
        mmapInt64("k");
        Pipeline pipeline = jedis.pipelined();
        List<Response<Object>> adds = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            adds.add(pipeline.sendCommand(Cmd.VADD, "k", Integer.toString(i)));
        }
        Response<Object> total = pipeline.sendCommand(Cmd.VCOUNT, "k");
        Response<Object> last = pipeline.sendCommand(Cmd.VGET, "k", "9999");
        pipeline.sync();
        assertThat(adds).allSatisfy(response -> assertThat(response.get()).isEqualTo(1L));
        assertThat(total.get()).isEqualTo(10_000L);
        assertThat(last.get()).isEqualTo(9999L);
    }

    @Test
    void tenThousandMixedCommandsInOneRawWrite() {
        StringBuilder requests = new StringBuilder();
        StringBuilder replies = new StringBuilder();
        requests.append(multibulk("MMAP", "m", "m.bin", "int64", "WRITABLE"));
        replies.append(":0\r\n");
        long count = 0;
        for (int i = 0; i < 10_000; i++) {
            switch (i % 5) {
                case 0 -> {
                    requests.append(multibulk("VADD", "m", Integer.toString(i)));
                    replies.append(":1\r\n");
                    count++;
                }
                case 1 -> {
                    requests.append(multibulk("VGET", "m", Long.toString(count - 1)));
                    replies.append(':').append(i - 1).append("\r\n");
                }
                case 2 -> {
                    requests.append("VCOUNT m\r\n"); // inline, as telnet would type it
                    replies.append(':').append(count).append("\r\n");
                }
                case 3 -> {
                    requests.append(multibulk("ECHO", "e" + i));
                    String echo = "e" + i;
                    replies.append('$').append(echo.length()).append("\r\n").append(echo).append("\r\n");
                }
                default -> {
                    requests.append(i % 10 == 4 ? "PING\r\n" : multibulk("VGET", "m", "-1"));
                    replies.append(i % 10 == 4 ? "+PONG\r\n" : "-ERR index exceeds size\r\n");
                }
            }
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(requests.toString());
            expect(raw, replies.toString());
        }
        assertThat(count("m")).isEqualTo(2_000);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** WATCH k, another client runs {@code command}, then MULTI / VADD k 1 / EXEC. */
    private List<Object> execAfterOtherClient(ProtocolCommand command, String... args) {
        assertThat(jedis.watch("k")).isEqualTo("OK");
        try (Jedis other = new Jedis("127.0.0.1", server.port(), 10_000)) {
            other.sendCommand(command, args);
        }
        Transaction transaction = jedis.multi();
        transaction.sendCommand(Cmd.VADD, "k", "1");
        return transaction.exec();
    }

    private void mmapInt64(String key) {
        assertThat(send(Cmd.MMAP, key, key + ".bin", "int64", "WRITABLE")).isEqualTo(0L);
    }

    private long count(String key) {
        return (Long) jedis.sendCommand(Cmd.VCOUNT, key);
    }

    /** Sends a command; integers come back as Long, bulk and status replies as byte[]. */
    private Object send(Cmd command, String... args) {
        return jedis.sendCommand(command, args);
    }

    private String status(Cmd command, String... args) {
        return string(send(command, args));
    }

    private static String multibulk(String... words) {
        StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        return request.toString();
    }

    private static String string(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    private static void expect(RawClient raw, String expected) {
        assertThat(raw.readLike(expected)).isEqualTo(expected);
    }
}

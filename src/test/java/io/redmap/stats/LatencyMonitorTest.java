package io.redmap.stats;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LATENCY LATEST/HISTORY/RESET/DOCTOR/HISTOGRAM on a server whose threshold is 1 ms, with a command
 * that cannot take less: VAGG SUM over 64 million elements of a sparse file.
 */
class LatencyMonitorTest {
    private TestServer server;
    private Jedis jedis;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start("--latency-monitor-threshold", "1");
        try (RandomAccessFile file = new RandomAccessFile(server.path("big.i1").toFile(), "rw")) {
            file.setLength(64L << 20);
        }
        jedis = server.jedis();
        jedis.sendCommand(() -> "MMAP".getBytes(), "big", "big.i1", "int8");
        // Code run for the first time (MMAP itself) may take a millisecond: the tests start from no event.
        jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Object call(String... words) {
        return jedis.sendCommand(() -> words[0].getBytes(), java.util.Arrays.copyOfRange(words, 1, words.length));
    }

    @Test
    void aSlowCommandIsAnEventWithItsHistory() {
        assertThat(call("LATENCY", "LATEST")).isEqualTo(List.of());
        assertThat(call("VAGG", "big", "SUM")).isEqualTo(0L);
        List<?> latest = (List<?>) call("LATENCY", "LATEST");
        assertThat(latest).hasSize(1);
        List<?> event = (List<?>) latest.getFirst();
        assertThat(new String((byte[]) event.get(0))).isEqualTo("command");
        long when = (Long) event.get(1);
        long millis = (Long) event.get(2);
        assertThat(when).isBetween(System.currentTimeMillis() / 1000 - 600, System.currentTimeMillis() / 1000 + 1);
        assertThat(millis).isPositive();
        assertThat((Long) event.get(3)).isGreaterThanOrEqualTo(millis);

        List<?> history = (List<?>) call("LATENCY", "HISTORY", "command");
        assertThat(history).isNotEmpty();
        assertThat(history.getLast()).isEqualTo(List.of(when, millis));
        assertThat(call("LATENCY", "HISTORY", "fast-command")).isEqualTo(List.of());

        String report = new String((byte[]) call("LATENCY", "DOCTOR"));
        assertThat(report).startsWith("Dave, I have observed latency spikes in this Redis instance.")
                .contains("1. command: ").contains("- Check your Slow Log");

        assertThat(call("LATENCY", "RESET", "nosuch")).isEqualTo(0L);
        assertThat(call("LATENCY", "RESET")).isEqualTo(1L);
        assertThat(call("LATENCY", "LATEST")).isEqualTo(List.of());
    }

    @Test
    void theHistogramCountsEveryTimedCall() {
        for (int i = 0; i < 3; i++) {
            call("VCOUNT", "big");
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("HELLO", "3");
            String reply = raw.call("LATENCY", "HISTOGRAM", "vcount", "config", "nosuch");
            assertThat(reply).matches("%1\r\n\\$6\r\nvcount\r\n%2\r\n\\$5\r\ncalls\r\n:3\r\n\\$14\r\nhistogram_usec\r\n"
                    + "%\\d+\r\n(:\\d+\r\n:[123]\r\n)+");
            assertThat(reply).endsWith(":3\r\n");
            assertThat(raw.call("LATENCY", "HISTOGRAM", "nosuch")).isEqualTo("%0\r\n");
        }
    }

    @Test
    void helpListsTheSubcommands() {
        List<String> help = ((List<?>) call("LATENCY", "HELP")).stream().map(line -> new String((byte[]) line)).toList();
        assertThat(help.getFirst()).isEqualTo("LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        assertThat(help).contains("DOCTOR", "HISTORY <event>", "LATEST", "RESET [<event> ...]", "HISTOGRAM [COMMAND ...]");
        assertThat(help.getLast()).isEqualTo("    Print this help.");
    }

    @Test
    void withoutAThresholdTheDoctorSaysSo() {
        call("CONFIG", "SET", "latency-monitor-threshold", "0");
        call("LATENCY", "RESET");
        call("VAGG", "big", "SUM");
        assertThat(call("LATENCY", "LATEST")).isEqualTo(List.of());
        assertThat(new String((byte[]) call("LATENCY", "DOCTOR")))
                .startsWith("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance.");
    }
}

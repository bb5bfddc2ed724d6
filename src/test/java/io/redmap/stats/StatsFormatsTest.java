package io.redmap.stats;

import io.redmap.protocol.Request;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text formats copied from Redis: MONITOR lines, slow log arguments, percentile names, error codes. */
class StatsFormatsTest {
    private static Request request(String... words) {
        return Request.of(java.util.Arrays.stream(words).map(w -> w.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void monitorLinesQuoteAsSdscatrepr() {
        byte[] line = Monitors.line(Instant.ofEpochSecond(1339518083, 107_412_000), 0, "127.0.0.1:60866", "keys",
                request("keys", "*"));
        assertThat(text(line)).isEqualTo("+1339518083.107412 [0 127.0.0.1:60866] \"keys\" \"*\"\r\n");

        byte[] binary = {'a', '"', '\\', '\n', '\r', '\t', 7, '\b', 0, (byte) 0xff, '~', ' '};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Monitors.quote(out, binary);
        assertThat(text(out.toByteArray())).isEqualTo("\"a\\\"\\\\\\n\\r\\t\\a\\b\\x00\\xff~ \"");
    }

    @Test
    void passwordsAreRedactedWhereRedisRedactsThem() {
        assertThat(text(Monitors.line(Instant.EPOCH, 3, "c", "auth", request("AUTH", "user", "secret"))))
                .isEqualTo("+0.000000 [3 c] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n");
        assertThat(text(Monitors.line(Instant.EPOCH, 0, "c", "hello", request("hello", "3", "AUTH", "u", "p", "SETNAME", "n"))))
                .isEqualTo("+0.000000 [0 c] \"hello\" \"3\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"n\"\r\n");
        assertThat(Redaction.hidden("migrate", request("migrate", "h", "1", "k", "0", "10", "COPY", "AUTH", "pw")).stream().toArray())
                .containsExactly(8);
        assertThat(Redaction.hidden("migrate", request("migrate", "h", "1", "", "0", "10", "AUTH2", "u", "pw", "KEYS", "k"))
                .stream().toArray()).containsExactly(7, 8);
        assertThat(Redaction.hidden("config|set", request("config", "set", "requirepass", "pw", "hz", "10")).stream().toArray())
                .containsExactly(3);
        assertThat(Redaction.hidden("vget", request("vget", "auth", "1")).isEmpty()).isTrue();
    }

    @Test
    void slowLogArgumentsAreCutAsRedisCutsThem() {
        String[] words = new String[40];
        for (int i = 0; i < words.length; i++) {
            words[i] = "a" + i;
        }
        List<byte[]> shown = SlowLog.shown("vmget", request(words));
        assertThat(shown).hasSize(32);
        assertThat(text(shown.get(30))).isEqualTo("a30");
        assertThat(text(shown.get(31))).isEqualTo("... (9 more arguments)");

        String longWord = "x".repeat(128) + "y".repeat(72);
        List<byte[]> cut = SlowLog.shown("echo", request("echo", longWord, "z".repeat(128)));
        assertThat(text(cut.get(1))).isEqualTo("x".repeat(128) + "... (72 more bytes)");
        assertThat(text(cut.get(2))).as("128 bytes are kept whole").isEqualTo("z".repeat(128));
    }

    @Test
    void slowLogKeepsTheNewestEntries() {
        SlowLog log = new SlowLog();
        for (int i = 0; i < 5; i++) {
            log.add("ping", request("ping", "n" + i), 10 + i, "127.0.0.1:1", "", 3);
        }
        assertThat(log.size()).isEqualTo(3);
        assertThat(log.newest(-1)).extracting(SlowLog.Entry::id).containsExactly(4L, 3L, 2L);
        assertThat(log.newest(1)).extracting(SlowLog.Entry::micros).containsExactly(14L);
    }

    @Test
    void latencyEventsKeepTheWorstSampleOfEachSecond() {
        LatencyMonitor monitor = new LatencyMonitor();
        monitor.add("command", 5);
        monitor.add("command", 9);
        monitor.add("command", 7);
        assertThat(monitor.history("command")).hasSize(1);
        assertThat(monitor.history("command").getFirst().millis()).isEqualTo(9);
        assertThat(monitor.latest()).singleElement().satisfies(latest -> {
            assertThat(latest.event()).isEqualTo("command");
            assertThat(latest.max()).isEqualTo(9);
        });
        assertThat(monitor.reset("COMMAND")).isEqualTo(1);
        assertThat(monitor.latest()).isEmpty();
    }

    @Test
    void percentilesAreNamedAndCheckedAsRedisDoes() {
        assertThat(StatsSections.percentileName(50)).isEqualTo("50");
        assertThat(StatsSections.percentileName(99.9)).isEqualTo("99.9");
        assertThat(StatsSections.percentileName(0)).isEqualTo("0");
        assertThat(LatencyPercentiles.normalize("50.000 99  99.90")).isEqualTo("50 99 99.9");
        assertThat(LatencyPercentiles.normalize("")).isEmpty();
        assertThatThrownBy(() -> LatencyPercentiles.normalize("50 abc"))
                .hasMessage("Invalid latency-tracking-info-percentiles parameters");
        assertThatThrownBy(() -> LatencyPercentiles.normalize("NaN")).hasMessage("Invalid latency-tracking-info-percentiles parameters");
        assertThatThrownBy(() -> LatencyPercentiles.normalize("100.5"))
                .hasMessage("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
    }

    @Test
    void errorsAreCountedByTheirFirstWord() {
        ErrorStats errors = new ErrorStats();
        errors.count("WRONGTYPE Operation against a key holding the wrong kind of value");
        errors.count("ERR syntax error");
        errors.count("ERR unknown command");
        errors.count("NOSPACEINTHISERROR");
        errors.count("A_VERY_LONG_FIRST_WORD_OF_32_BYTES is not a code");
        assertThat(errors.snapshot()).containsExactly(java.util.Map.entry("ERR", 4L), java.util.Map.entry("WRONGTYPE", 1L));
    }
}

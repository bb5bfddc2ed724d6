package io.redmap.stats;

import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same requests to redmap and to Debian's redis-server, raw replies compared byte for byte.
 * HELP's last line is compared in 7.0's words. HELLO's own reply is not compared (the servers name themselves). Normalisations: in INFO commandstats the microseconds ({@code usec=}, {@code usec_per_call=})
 * are replaced by N and the lines compared as a set (Redis lists them in its hash table's order).
 */
class ObservabilityVsRedisTest {
    private static RealRedis redis;
    private static TestServer redmap;

    @BeforeAll
    static void start() {
        redis = RealRedis.start();
        redmap = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (redmap != null) {
            redmap.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Sends each request on one fresh connection to each server; the replies must be the same. */
    private static void sameReplies(List<List<String>> requests) {
        try (RawClient expected = redis.client(); RawClient actual = new RawClient(redmap.port())) {
            for (List<String> request : requests) {
                String[] words = request.toArray(String[]::new);
                if (request.getFirst().equals("HELLO")) {
                    // The servers name themselves: only the protocol switch matters here.
                    expected.call(words);
                    actual.call(words);
                    continue;
                }
                // HELP's last line is 7.2's ("Print this help."); Debian's 7.0 says "Prints this help.".
                assertThat(actual.call(words).replace("+    Print this help.\r\n", "+    Prints this help.\r\n"))
                        .as(String.join(" ", request)).isEqualTo(expected.call(words));
            }
        }
    }

    private static List<String> r(String... words) {
        return Arrays.asList(words);
    }

    @Test
    void slowlogRepliesAndRefusals() {
        sameReplies(List.of(r("SLOWLOG", "HELP"), r("SLOWLOG", "help"), r("SLOWLOG", "GET", "x"), r("SLOWLOG", "GET", "-2"),
                r("SLOWLOG", "GET", "1", "2"), r("SLOWLOG", "LEN", "1"), r("SLOWLOG", "NOSUCH"), r("SLOWLOG"),
                r("SLOWLOG", "RESET"), r("SLOWLOG", "GET", "0"), r("SLOWLOG", "LEN")));
    }

    @Test
    void latencyRepliesAndRefusals() {
        sameReplies(List.of(r("LATENCY", "LATEST"), r("LATENCY", "HISTORY", "command"), r("LATENCY", "HISTORY"),
                r("LATENCY", "RESET"), r("LATENCY", "RESET", "command", "fast-command"), r("LATENCY", "NOSUCH"),
                r("LATENCY", "DOCTOR"), r("LATENCY", "DOCTOR", "x"), r("LATENCY", "HISTOGRAM", "nosuch"), r("LATENCY"),
                r("HELLO", "3"), r("LATENCY", "DOCTOR"), r("LATENCY", "HISTOGRAM", "nosuch"), r("LATENCY", "LATEST")));
    }

    @Test
    void optionsReadAndRefuseAsRedis() {
        // One option per CONFIG GET: with a pattern, Redis answers in its hash table's order.
        sameReplies(List.of(r("CONFIG", "GET", "slowlog-max-len"), r("CONFIG", "GET", "slowlog-log-slower-than"),
                r("CONFIG", "GET", "latency-monitor-threshold"), r("CONFIG", "GET", "latency-tracking"),
                r("CONFIG", "GET", "latency-tracking-info-percentiles"),
                r("CONFIG", "SET", "slowlog-log-slower-than", "-2"), r("CONFIG", "SET", "slowlog-max-len", "-1"),
                r("CONFIG", "SET", "latency-monitor-threshold", "-1"), r("CONFIG", "SET", "latency-tracking", "maybe"),
                r("CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc"),
                r("CONFIG", "SET", "latency-tracking-info-percentiles", "101"),
                r("CONFIG", "SET", "latency-tracking-info-percentiles", "99.990 50.5 0"),
                r("CONFIG", "GET", "latency-tracking-info-percentiles"),
                r("CONFIG", "SET", "latency-tracking-info-percentiles", ""),
                r("CONFIG", "GET", "latency-tracking-info-percentiles"),
                r("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"),
                r("CONFIG", "SET", "slowlog-max-len", "1kb"), r("CONFIG", "GET", "slowlog-max-len"),
                r("CONFIG", "SET", "slowlog-max-len", "128")));
    }

    @Test
    void monitorRefusalsAndReplicaRules() {
        sameReplies(List.of(r("MULTI"), r("MONITOR"), r("EXEC"), r("MONITOR"), r("DBSIZE"), r("EXISTS", "k"), r("RESET"),
                r("DBSIZE")));
    }

    @Test
    void errorstatsAndCommandstatsCountAlike() {
        List<List<String>> requests = List.of(r("CONFIG", "RESETSTAT"), r("PING"), r("PING", "a"), r("ECHO"), r("DBSIZE"),
                r("DBSIZE", "x"), r("CONFIG", "GET", "hz"), r("CONFIG"), r("CONFIG", "NOSUCH"), r("NOSUCH"), r("MULTI"),
                r("PING", "a", "b"), r("EXEC"), r("MULTI"), r("PING"), r("EXEC"), r("SELECT", "99"),
                r("INFO", "errorstats"));
        sameReplies(requests);
        try (RawClient expected = redis.client(); RawClient actual = new RawClient(redmap.port())) {
            assertThat(commandstats(actual)).isEqualTo(commandstats(expected));
        }
    }

    private static Set<String> commandstats(RawClient client) {
        String reply = client.call("INFO", "commandstats");
        Set<String> lines = new TreeSet<>();
        for (String line : reply.substring(reply.indexOf("\r\n") + 2).split("\r\n")) {
            lines.add(line.replaceAll("usec=\\d+,usec_per_call=\\d+\\.\\d\\d", "usec=N,usec_per_call=N"));
        }
        return lines;
    }
}

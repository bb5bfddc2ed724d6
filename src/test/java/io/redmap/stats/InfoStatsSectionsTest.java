package io.redmap.stats;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * INFO commandstats, errorstats and latencystats through Jedis: what is counted as a call, a
 * rejected call and a failed call, as Redis counts them; CONFIG RESETSTAT; the latency-tracking
 * options.
 */
class InfoStatsSectionsTest {
    private TestServer server;
    private Jedis jedis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
        jedis.sendCommand(() -> "MMAP".getBytes(), "k", "k.f8", "double", "WRITABLE");
        jedis.sendCommand(() -> "VADD".getBytes(), "k", "1", "2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The section's lines after its header, by the name before ':'. */
    private Map<String, String> section(String name) {
        Map<String, String> lines = new LinkedHashMap<>();
        String text = jedis.info(name);
        for (String line : text.split("\r\n")) {
            if (!line.startsWith("#") && !line.isEmpty()) {
                lines.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
            }
        }
        return lines;
    }

    private void refused(String command, String... args) {
        assertThatThrownBy(() -> jedis.sendCommand(() -> command.getBytes(), args)).isInstanceOf(JedisDataException.class);
    }

    @Test
    void callsRejectionsAndFailuresAreCountedPerCommand() {
        jedis.sendCommand(() -> "VGET".getBytes(), "k", "0");
        jedis.sendCommand(() -> "VGET".getBytes(), "k", "1");
        refused("VGET");                   // arity: rejected before it runs
        refused("VGET", "nokey", "0");     // ran, and replied an error: failed
        jedis.configGet("hz");
        refused("CONFIG");                 // the container alone: rejected
        refused("NOSUCH", "x");            // no command to count it against, but an error reply

        Map<String, String> stats = section("commandstats");
        assertThat(stats.get("cmdstat_vget")).matches("calls=3,usec=\\d+,usec_per_call=\\d+\\.\\d{2},rejected_calls=1,failed_calls=1");
        assertThat(stats.get("cmdstat_config|get")).matches("calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d{2},rejected_calls=0,failed_calls=0");
        assertThat(stats.get("cmdstat_config")).isEqualTo("calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
        assertThat(stats).containsKeys("cmdstat_mmap", "cmdstat_vadd").doesNotContainKey("cmdstat_vcount");

        assertThat(section("errorstats")).containsExactly(Map.entry("errorstat_ERR", "count=4"));
        assertThat(section("stats").get("total_error_replies")).isEqualTo("4");
        assertThat(section("latencystats").get("latency_percentiles_usec_vget"))
                .matches("p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}");
    }

    @Test
    void errorsAreCountedByCode() {
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("MULTI");
            assertThat(raw.call("VGET")).isEqualTo("-ERR wrong number of arguments for 'vget' command\r\n");
            assertThat(raw.call("EXEC")).startsWith("-EXECABORT ");
        }
        assertThat(section("errorstats")).containsExactly(Map.entry("errorstat_ERR", "count=1"),
                Map.entry("errorstat_EXECABORT", "count=1"));
        assertThat(section("commandstats").get("cmdstat_exec")).endsWith("failed_calls=1");
    }

    @Test
    void configResetstatStartsThemAgain() {
        jedis.sendCommand(() -> "VGET".getBytes(), "k", "0");
        refused("VGET");
        assertThat(jedis.configResetStat()).isEqualTo("OK");
        // RESETSTAT itself is counted once it has run, as in Redis.
        assertThat(section("commandstats")).containsOnlyKeys("cmdstat_config|resetstat");
        assertThat(section("errorstats")).isEmpty();
        assertThat(section("latencystats")).containsOnlyKeys("latency_percentiles_usec_config|resetstat",
                "latency_percentiles_usec_info");
        assertThat(section("stats").get("total_error_replies")).isEqualTo("0");
    }

    @Test
    void theSectionsAreInInfoAllAndErrorstatsInPlainInfo() {
        // As Redis 7: the default sections include Errorstats, not the per-command ones.
        assertThat(jedis.info()).contains("# Errorstats\r\n").doesNotContain("# Commandstats", "# Latencystats");
        assertThat(jedis.info("default")).contains("# Errorstats\r\n").doesNotContain("# Commandstats");
        for (String all : List.of("all", "everything")) {
            String text = jedis.info(all);
            assertThat(text).contains("# Server\r\n");
            int commandstats = text.indexOf("# Commandstats\r\n");
            int errorstats = text.indexOf("# Errorstats\r\n");
            int latencystats = text.indexOf("# Latencystats\r\n");
            assertThat(commandstats).as(all).isPositive().isLessThan(errorstats);
            assertThat(errorstats).isLessThan(latencystats);
            assertThat(latencystats).isLessThan(text.indexOf("# Keyspace\r\n"));
        }
        assertThat(jedis.info("commandstats")).startsWith("# Commandstats\r\ncmdstat_").doesNotContain("# Server");
    }

    @Test
    void latencyPercentilesFollowTheOptions() {
        assertThat(jedis.configGet("latency-tracking-info-percentiles")).containsEntry("latency-tracking-info-percentiles", "50 99 99.9");
        jedis.configSet("latency-tracking-info-percentiles", "0 99.99 100");
        for (int i = 0; i < 20; i++) {
            jedis.sendCommand(() -> "VGET".getBytes(), "k", "0");
        }
        String line = section("latencystats").get("latency_percentiles_usec_vget");
        assertThat(line).matches("p0=\\d+\\.\\d{3},p99\\.99=\\d+\\.\\d{3},p100=\\d+\\.\\d{3}");
        double[] values = java.util.Arrays.stream(line.split(",")).mapToDouble(p -> Double.parseDouble(p.split("=")[1])).toArray();
        assertThat(values[0]).isPositive().isLessThanOrEqualTo(values[1]);
        assertThat(values[1]).isLessThanOrEqualTo(values[2]);

        assertThatThrownBy(() -> jedis.configSet("latency-tracking-info-percentiles", "50 abc"))
                .hasMessage("ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - "
                        + "Invalid latency-tracking-info-percentiles parameters");
        assertThat(jedis.configGet("latency-tracking-info-percentiles")).containsEntry("latency-tracking-info-percentiles", "0 99.99 100");

        jedis.configSet("latency-tracking-info-percentiles", "");
        assertThat(section("latencystats").get("latency_percentiles_usec_vget")).isEmpty();

        jedis.configSet("latency-tracking", "no");
        assertThat(jedis.info("latencystats")).isEqualTo("# Latencystats\r\n");
        jedis.sendCommand(() -> "VCOUNT".getBytes(), "k");
        jedis.configSet("latency-tracking", "yes");
        assertThat(section("latencystats")).as("commands run while tracking was off have no histogram")
                .doesNotContainKey("latency_percentiles_usec_vcount");
        assertThat(section("commandstats")).containsKey("cmdstat_vcount");
    }
}

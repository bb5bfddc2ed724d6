package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * maxmemory, maxmemory-policy, maxmemory-samples and the LFU tuning options: accepted, checked and
 * answered as Redis 7 does (memory units in, bytes out), although redmap evicts nothing.
 */
class MaxmemoryConfigTest {
    /** Every line is sent to redmap and to a real redis-server; the raw replies must be equal. */
    private static final String[] SCRIPT = {
            "CONFIG GET maxmemory", "CONFIG GET maxmemory-policy", "CONFIG GET maxmemory-samples",
            "CONFIG GET lfu-log-factor", "CONFIG GET lfu-decay-time",
            "CONFIG SET maxmemory 1gb", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory 5K", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory 3mb", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory 7B", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory 18446744073709551615", "CONFIG GET maxmemory",
            // Refused: the value stays as it was.
            "CONFIG SET maxmemory abc", "CONFIG SET maxmemory -1", "CONFIG SET maxmemory 1.5gb",
            "CONFIG SET maxmemory +5", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory-policy ALLKEYS-LFU", "CONFIG GET maxmemory-policy",
            "CONFIG SET maxmemory-policy volatile-ttl", "CONFIG GET maxmemory-policy",
            "CONFIG SET maxmemory-policy lru", "CONFIG GET maxmemory-policy",
            "CONFIG SET maxmemory-samples 10", "CONFIG SET maxmemory-samples 0", "CONFIG GET maxmemory-samples",
            "CONFIG SET lfu-log-factor 0", "CONFIG SET lfu-log-factor -1", "CONFIG SET lfu-decay-time 5",
            "CONFIG GET lfu-log-factor", "CONFIG GET lfu-decay-time",
            // All or nothing: a bad policy after a good maxmemory leaves both unchanged.
            "CONFIG SET maxmemory 2gb maxmemory-policy bogus", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory 0 maxmemory-policy noeviction", "CONFIG GET maxmemory"};

    @Test
    void configSetAndGetAnswerAsRedis() {
        List<String> replies;
        try (TestServer server = TestServer.start()) {
            replies = Exchanges.run(server.port(), SCRIPT);
        }
        assertThat(replies.get(6)).isEqualTo("*2\r\n$9\r\nmaxmemory\r\n$10\r\n1073741824\r\n");
        assertThat(replies.get(15)).isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'maxmemory')"
                + " - argument must be a memory value\r\n");
        assertThat(replies.get(24)).isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')"
                + " - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random,"
                + " volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n");
        try (RealRedis redis = RealRedis.start()) {
            assertThat(replies).isEqualTo(Exchanges.run(redis.port(), SCRIPT));
        }
    }

    @Test
    void aConfigFileMayGiveUnitsAndConfigGetAnswersBytes() {
        try (TestServer server = TestServer.start("--maxmemory", "2gb", "--maxmemory-policy", "allkeys-lfu");
             Jedis jedis = server.jedis()) {
            assertThat(jedis.configGet("maxmemory")).isEqualTo(Map.of("maxmemory", "2147483648"));
            assertThat(jedis.configGet("maxmemory-policy")).isEqualTo(Map.of("maxmemory-policy", "allkeys-lfu"));
            assertThat(jedis.info("memory")).contains("\r\nmaxmemory:2147483648\r\n", "\r\nmaxmemory_policy:allkeys-lfu\r\n");
        }
    }
}

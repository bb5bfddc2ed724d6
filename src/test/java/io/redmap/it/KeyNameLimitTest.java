package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC D: key names of arrays are at most 64 KiB, so that no client can make the catalogue huge:
 * {@code ERR key name too long} for MMAP, RENAME and RENAMENX beyond that, before anything changes.
 * MOVE keeps the name the key has, so it needs no check.
 */
class KeyNameLimitTest {
    private static final int LIMIT = 64 * 1024;

    @Test
    void keyNamesUpTo64KiBAreAcceptedAndLongerOnesRefused() throws Exception {
        String longest = "k".repeat(LIMIT);
        String tooLong = "k".repeat(LIMIT + 1);
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            ArrayClient client = new ArrayClient(jedis);
            assertThat(client.call("MMAP", longest, "a.bin", "double", "WRITABLE")).isEqualTo(0L);
            byte[] catalogue = Files.readAllBytes(server.path("redmap.catalog"));

            client.assertError("ERR key name too long", "MMAP", tooLong, "b.bin", "double", "WRITABLE");
            assertThat(server.path("b.bin")).doesNotExist();
            client.assertError("ERR key name too long", "RENAME", longest, tooLong);
            client.assertError("ERR key name too long", "RENAMENX", longest, tooLong);
            client.assertError("ERR key name too long", "MMAP", "k" + longest, "a.bin");
            assertThat(client.call("DBSIZE")).isEqualTo(1L);
            assertThat(client.call("EXISTS", longest)).isEqualTo(1L);
            assertThat(Files.readAllBytes(server.path("redmap.catalog"))).isEqualTo(catalogue);

            assertThat(client.call("RENAME", longest, "short")).isEqualTo("OK");
            assertThat(client.call("RENAMENX", "short", longest)).isEqualTo(1L);
            assertThat(client.call("MOVE", longest, 1)).isEqualTo(1L);
            assertThat(client.call("SELECT", 1)).isEqualTo("OK");
            assertThat(client.call("VCOUNT", longest)).isEqualTo(0L);

            server.restart();
            ArrayClient restarted = new ArrayClient(server.jedis());
            assertThat(restarted.call("SELECT", 1)).isEqualTo("OK");
            assertThat(restarted.call("KEYS", "*")).isEqualTo(List.of(longest));
        }
    }
}

package io.redmap.client;

import io.redmap.client.testing.RedmapServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transfers larger than one request or reply may be: split into chunks at row boundaries, each
 * chunk's bytes in their place in one result array. A tiny chunk size makes the boundary code run
 * on small arrays (Lucene's habit); a server whose proto-max-bulk-len is 1 MB shows that the
 * client learns the server's limit and keeps its reads and writes under it.
 */
class ChunkingTest {
    private static RedmapServer server;
    private static JedisPooled jedis;

    @BeforeAll
    static void start() {
        server = RedmapServer.start();
        jedis = new JedisPooled("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void rowsCrossChunkBoundariesIntoOneArray() {
        // 40 bytes a chunk: two rows of 4 floats (16 bytes each) per VREAD, VMREAD and VWRITE.
        RedmapClient small = new RedmapClient(jedis, 40);
        RedmapClient whole = new RedmapClient(jedis);
        small.mmap("rows", "rows.f4", ElementType.FLOAT, true, 4);
        float[] values = new float[1001 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f;
        }
        long writes = server.calls("vwrite");
        assertThat(small.floats().append("rows", values)).isEqualTo(1001);
        assertThat(server.calls("vwrite") - writes).isEqualTo(501);

        long reads = server.calls("vread");
        assertThat(small.floats().read("rows")).isEqualTo(values);
        assertThat(server.calls("vread") - reads).isEqualTo(501);
        assertThat(whole.floats().read("rows", 0, 1001)).isEqualTo(values);

        long[] indices = new Random(7).longs(777, 0, 1001).toArray();
        float[][] gathered = small.floatRows().gather("rows", indices);
        long gathers = server.calls("vmread");
        assertThat(whole.floatRows().gather("rows", indices)).isDeepEqualTo(gathered);
        assertThat(server.calls("vmread") - gathers).isEqualTo(1);
        for (int i = 0; i < indices.length; i++) {
            int row = (int) indices[i];
            assertThat(gathered[i]).containsExactly(values[4 * row], values[4 * row + 1], values[4 * row + 2],
                    values[4 * row + 3]);
        }
        assertThat(small.floatRows().read("rows", 999, 2)).isDeepEqualTo(whole.floatRows().read("rows", 999, 2));
    }

    @Test
    void aRowLargerThanAChunkIsRefused() {
        RedmapClient tiny = new RedmapClient(jedis, 10);
        tiny.mmap("wide", "wide.f8", ElementType.DOUBLE, true, 2);
        assertThatThrownBy(() -> tiny.doubleRows().append("wide", new double[][] {{1, 2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("one row of 'wide' is 16 bytes, more than one request or reply may hold (10 bytes)");
    }

    @Test
    void readsAndWritesStayUnderTheServersProtoMaxBulkLen() {
        jedis.configSet("proto-max-bulk-len", "1mb");
        try {
            // The default chunk (16 MiB) is more than this server takes: the client asks it.
            RedmapClient redmap = new RedmapClient(jedis);
            redmap.mmap("big", "big.f8", ElementType.DOUBLE, true);
            double[] values = new Random(1).doubles(400_000).toArray(); // 3.2 MB
            long writes = server.calls("vwrite");
            assertThat(redmap.doubles().append("big", values)).isEqualTo(400_000);
            assertThat(server.calls("vwrite") - writes).isEqualTo(4);

            // One VREAD of it all is what the client avoids:
            assertThatThrownBy(() -> jedis.sendCommand(() -> SafeEncoder.encode("VREAD"), "big", "0", "400000"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR reply too large: read at most proto-max-bulk-len bytes at a time");
            assertThat(redmap.doubles().read("big")).isEqualTo(values);
            long[] indices = new Random(2).longs(200_000, 0, 400_000).toArray(); // 1.6 MB of rows
            double[] gathered = redmap.doubles().gather("big", indices);
            for (int i = 0; i < indices.length; i++) {
                assertThat(gathered[i]).isEqualTo(values[(int) indices[i]]);
            }
        } finally {
            jedis.configSet("proto-max-bulk-len", "512mb");
        }
    }
}

package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Slowlog;

import java.nio.file.Path;
import java.util.List;

import static io.redmap.docs.DurabilityExample.call;
import static io.redmap.docs.DurabilityExample.expect;

/** Command statistics, the slow log and the latency monitor through Jedis. */
final class ObservabilityExample {
    private ObservabilityExample() {
    }

    static void run(int port, Path dir) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            call(jedis, "MMAP", "temps", dir.resolve("temps.f4").toString(), "float", "WRITABLE");
            call(jedis, "VADD", "temps", "21.5", "22.0");
            call(jedis, "VGET", "temps", "1");

            // INFO commandstats: one line per command used, as Redis writes it.
            String stats = jedis.info("commandstats");
            expect(stats.contains("cmdstat_vget:calls=1,"), true);
            expect(jedis.info("latencystats").contains("latency_percentiles_usec_vget:p50="), true);

            // Log every command (0 microseconds and up), then read the newest entry.
            jedis.configSet("slowlog-log-slower-than", "0");
            call(jedis, "VCOUNT", "temps");
            Slowlog newest = jedis.slowlogGet(1).getFirst();
            expect(newest.getArgs(), List.of("VCOUNT", "temps"));
            jedis.configSet("slowlog-log-slower-than", "10000");

            // CONFIG RESETSTAT starts the statistics again.
            expect(jedis.configResetStat(), "OK");
            expect(jedis.info("commandstats").contains("cmdstat_vget"), false);
        }
    }
}

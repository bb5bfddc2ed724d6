package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's redis-cli scanning a server of arrays of different sizes: {@code --memkeys} ranks them by
 * MEMORY USAGE, their files' sizes; {@code --bigkeys} counts them under their type, {@code mmap}, for
 * which redis-cli knows no size command (it sizes only its six built-in types).
 */
class RedisCliBigKeysTest {
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private static String redisCli(int port, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(REDIS_CLI.toString(), "-p", Integer.toString(port)));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void memkeysRanksTheBiggestArrayFirstWithItsFileSizeAndBigkeysCountsThem() throws Exception {
        assumeTrue(Files.isExecutable(REDIS_CLI), "no redis-cli (apt-get install redis-tools)");
        try (TestServer server = TestServer.start()) {
            ArrayClient redis = new ArrayClient(server.jedis());
            redis.call("MMAP", "small", "small.i1", "int8", "WRITABLE");
            redis.call("VADD", "small", 1, 2, 3);
            Files.write(server.path("big.f8"), new byte[80_000]);
            assertThat(redis.call("MMAP", "big", "big.f8", "double", "WRITABLE")).isEqualTo(10_000L);
            Files.write(server.path("middle.i4"), new byte[4_000]);
            assertThat(redis.call("MMAP", "middle", "middle.i4", "int32")).isEqualTo(1_000L);
            redis.call("MMAP", "npy", "rows.npy", "float32", "DIM", "2", "WRITABLE");

            String memkeys = redisCli(server.port(), "--memkeys");
            assertThat(memkeys).contains("Sampled 4 keys in the keyspace!",
                    "Biggest   mmap found '\"big\"' has 80000 bytes",
                    "4 mmaps with " + (3 + 80_000 + 4_000 + Files.size(server.path("rows.npy"))) + " bytes");

            String samples = redisCli(server.port(), "--memkeys-samples", "10");
            assertThat(samples).contains("Biggest   mmap found '\"big\"' has 80000 bytes");

            String bigkeys = redisCli(server.port(), "--bigkeys");
            assertThat(bigkeys).contains("Sampled 4 keys in the keyspace!", "4 mmaps with 0 ? (100.00% of keys");
        }
    }
}

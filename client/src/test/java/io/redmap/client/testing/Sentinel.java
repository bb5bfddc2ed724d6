package io.redmap.client.testing;

import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's redis-sentinel, unmodified, monitoring one redmap master as {@code masterName}: its own
 * temporary directory and config, a free loopback port. Without {@code /usr/bin/redis-sentinel}
 * the calling test is skipped, never failed.
 */
public final class Sentinel implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-sentinel");

    private final Path dir;
    private final int port;
    private final Process process;

    private Sentinel(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a Sentinel watching {@code 127.0.0.1:masterPort}; returns once it knows the master's address. */
    public static Sentinel start(String masterName, int masterPort) {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "no " + BINARY + " (apt-get install redis-sentinel)");
        try {
            Path dir = Files.createTempDirectory("redmap-client-sentinel");
            int port = RedmapServer.freePort();
            Path config = dir.resolve("sentinel.conf");
            Files.write(config, List.of("port " + port, "bind 127.0.0.1", "daemonize no", "dir " + dir,
                    "logfile " + dir.resolve("sentinel.log"),
                    "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds " + masterName + " 5000"), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(BINARY.toString(), config.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            Sentinel sentinel = new Sentinel(dir, port, process);
            try {
                sentinel.awaitMaster(masterName, masterPort);
            } catch (RuntimeException | Error e) {
                sentinel.close();
                throw e;
            }
            return sentinel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitMaster(String masterName, int masterPort) {
        for (int attempt = 0; attempt < 600; attempt++) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-sentinel exited with " + process.exitValue() + "; log:\n" + log());
            }
            try (Jedis jedis = new Jedis("127.0.0.1", port, 2_000)) {
                List<String> address = jedis.sentinelGetMasterAddrByName(masterName);
                if (address != null && address.size() == 2 && address.get(1).equals(Integer.toString(masterPort))) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // Not listening yet.
            }
            RedmapServer.sleep(50);
        }
        throw new AssertionError("redis-sentinel on port " + port + " does not name the master; log:\n" + log());
    }

    public HostAndPort address() {
        return new HostAndPort("127.0.0.1", port);
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("sentinel.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RedmapServer.deleteTree(dir);
    }
}

package io.redmap.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's redis-server, started by a test on a free loopback port, to compare redmap's replies
 * with the real thing byte for byte. Without {@code /usr/bin/redis-server} the test is skipped
 * (an assumption), never failed.
 */
public final class RealRedis implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final Path dir;
    private final int port;

    private RealRedis(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a redis-server with no persistence; skips the calling test when there is none. */
    public static RealRedis start() {
        return start(false);
    }

    /**
     * The same, started with a config file ({@code redis.conf} in its temporary directory, given
     * first on the command line) so that CONFIG REWRITE has a file to write, as Sentinel's
     * failover transaction expects.
     */
    public static RealRedis startWithConfig() {
        return start(true);
    }

    private static RealRedis start(boolean withConfig) {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "no " + BINARY + " to compare with");
        try {
            Path dir = Files.createTempDirectory("real-redis");
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(BINARY.toString()));
            if (withConfig) {
                Path config = dir.resolve("redis.conf");
                Files.writeString(config, "# written by RealRedis; the command line sets the rest\n");
                command.add(config.toString());
            }
            command.addAll(List.of("--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            RealRedis redis = new RealRedis(process, dir, port);
            redis.awaitReady();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port);
    }

    public int port() {
        return port;
    }

    /** The config file of a server started with {@link #startWithConfig()} (CONFIG REWRITE writes it). */
    public Path configFile() {
        return dir.resolve("redis.conf");
    }

    /** A raw socket to this server; the caller closes it. */
    public RawClient client() {
        return new RawClient(port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is not a test failure.
        }
    }
}

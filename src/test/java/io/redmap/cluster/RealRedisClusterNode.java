package io.redmap.cluster;

import io.redmap.testing.ClusterProcesses;
import io.redmap.testing.Poll;
import io.redmap.testing.RawClient;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's redis-server (7.0) in cluster mode, alone, serving every slot: the reference for the
 * texts of redmap's cluster replies and errors, compared side by side. Without
 * {@code /usr/bin/redis-server} the calling test is skipped (an assumption), never failed.
 */
final class RealRedisClusterNode implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final Path dir;
    private final int port;

    private RealRedisClusterNode(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static RealRedisClusterNode start() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "no " + BINARY + " to compare with");
        try {
            Path dir = Files.createTempDirectory("real-redis-cluster");
            int port = ClusterProcesses.freePorts(1).getFirst();
            Process process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                    "--logfile", dir.resolve("redis.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            RealRedisClusterNode node = new RealRedisClusterNode(process, dir, port);
            try {
                Poll.until(Duration.ofSeconds(10), "redis-server answering PING", () -> node.call("PING"), "+PONG\r\n"::equals,
                        node::log);
                node.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
                Poll.until(Duration.ofSeconds(10), "redis-server's cluster_state:ok", () -> node.call("CLUSTER", "INFO"),
                        info -> info.contains("cluster_state:ok"), node::log);
            } catch (RuntimeException | AssertionError e) {
                node.close();
                throw e;
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** One command on a new connection; the whole reply as sent. */
    String call(String... words) {
        try (RawClient client = new RawClient(port)) {
            return client.call(words);
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // A temporary directory left behind.
        }
    }

    static List<String> run(RawClient client, List<List<String>> commands) {
        return commands.stream().map(words -> client.call(words.toArray(String[]::new))).toList();
    }
}

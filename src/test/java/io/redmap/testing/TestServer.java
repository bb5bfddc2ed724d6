package io.redmap.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.redmap.server.RedmapServer;
import io.redmap.server.ServerConfig;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real redmap server for a test: embedded, on an ephemeral loopback port, with its own
 * temporary {@code dir}. Close it to stop the server and delete the directory.
 *
 * <pre>
 * try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) { ... }
 * </pre>
 */
public final class TestServer implements AutoCloseable {
    private final Path dir;
    private final List<String> options;
    private RedmapServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    private TestServer(Path dir, List<String> options) {
        this.dir = dir;
        this.options = options;
    }

    /** Starts a server; {@code options} are extra {@code --name value} words, e.g. "--mmap-sync", "always". */
    public static TestServer start(String... options) {
        try {
            TestServer server = new TestServer(Files.createTempDirectory("redmap-test"), List.of(options));
            server.boot();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void boot() {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        args.addAll(options);
        try {
            server = RedmapServer.start(ServerConfig.fromArgs(args.toArray(String[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server as SHUTDOWN would and starts a new one on the same directory (new port). */
    public void restart() {
        closeClients();
        server.close();
        boot();
    }

    public int port() {
        return server.port();
    }

    /** The server's {@code dir}: relative paths given to MMAP resolve against it. */
    public Path dir() {
        return dir;
    }

    /** An absolute path inside {@code dir}. */
    public Path path(String name) {
        return dir.resolve(name);
    }

    public RedmapServer server() {
        return server;
    }

    /** A Jedis (RESP2) client, closed with the server. */
    public Jedis jedis() {
        Jedis jedis = new Jedis("127.0.0.1", port(), 10_000);
        clients.add(jedis);
        return jedis;
    }

    /** A Lettuce connection speaking RESP3 (or RESP2), closed with the server. */
    public StatefulRedisConnection<String, String> lettuce(boolean resp3) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port())
                .withTimeout(Duration.ofSeconds(10)).build());
        client.setOptions(ClientOptions.builder()
                .protocolVersion(resp3 ? ProtocolVersion.RESP3 : ProtocolVersion.RESP2).build());
        StatefulRedisConnection<String, String> connection = client.connect();
        clients.add(connection);
        clients.add(client::shutdown);
        return connection;
    }

    private void closeClients() {
        for (AutoCloseable client : clients.reversed()) {
            try {
                client.close();
            } catch (Exception ignored) {
                // Closing a client of a stopped server may complain; the test is over either way.
            }
        }
        clients.clear();
    }

    @Override
    public void close() {
        closeClients();
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is not a test failure.
        }
    }
}

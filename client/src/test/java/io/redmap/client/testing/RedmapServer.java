package io.redmap.client.testing;

import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redmap server for the client's tests, started as a user starts one: the checkout's
 * {@code bin/redmap-server} (system property {@code redmap.server}, set by client/pom.xml), which
 * builds the server first when its jar is missing or stale. It listens on a free loopback port
 * with its own temporary {@code dir}, logs into {@code server.log} beside it, and is ready once it
 * answers PING. {@link #close()} kills it and deletes the directory. The client's tests never load
 * a server class: the client is tested as a separate artifact.
 */
public final class RedmapServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    /** Below 30000, so that a cluster node's bus port (port + 10000) that CLUSTER NODES shows is a real port. */
    private static final int LOWEST_PORT = 20000;
    private static final int HIGHEST_PORT = 29999;

    private final Path root;
    private final Path dir;
    private final int port;
    private final Process process;
    /** Whether {@link #close()} deletes {@code root} too (a server started alone), or only {@code dir}. */
    private boolean ownsRoot;

    private RedmapServer(Path root, Path dir, int port, Process process) {
        this.root = root;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a server; {@code options} are more {@code --name value} words. */
    public static RedmapServer start(String... options) {
        try {
            Path root = Files.createTempDirectory("redmap-client-test");
            RedmapServer server = start(root, freePort(), List.of(), options);
            server.ownsRoot = true;
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server under {@code root} on {@code port} with {@code configLines} as its config
     * file (the cluster's topology), then {@code --port --bind --dir} and {@code options}.
     */
    public static RedmapServer start(Path root, int port, List<String> configLines, String... options) throws IOException {
        Path dir = Files.createDirectories(root.resolve("node-" + port));
        List<String> command = new ArrayList<>(List.of(System.getProperty("redmap.server", "../bin/redmap-server")));
        if (!configLines.isEmpty()) {
            Path config = dir.resolve("redmap.conf");
            Files.write(config, configLines, StandardCharsets.UTF_8);
            command.add(config.toString());
        }
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("server-" + port + ".log").toFile());
        // A small heap: the arrays live in their files, not on the heap; several servers share the machine.
        builder.environment().put("REDMAP_HEAP", "256m");
        RedmapServer server = new RedmapServer(root, dir, port, builder.start());
        try {
            server.awaitPing();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    /** The server's {@code dir}: relative MMAP paths land here. */
    public Path dir() {
        return dir;
    }

    /** A new plain connection to the server; the caller closes it. */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    /** The server's output so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(root.resolve("server-" + port + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** How many times the server ran {@code command} (INFO commandstats): to show that nothing was sent. */
    public long calls(String command) {
        return commandStat(command, "calls");
    }

    /** How many times the server refused {@code command} before running it (-MOVED, -NOAUTH...). */
    public long rejectedCalls(String command) {
        return commandStat(command, "rejected_calls");
    }

    /** A field of {@code cmdstat_<command>:calls=1,usec=7,...,rejected_calls=0,failed_calls=0}; 0 when never called. */
    private long commandStat(String command, String field) {
        try (Jedis jedis = jedis()) {
            String prefix = "cmdstat_" + command.toLowerCase() + ":";
            for (String line : jedis.info("commandstats").split("\r\n")) {
                if (line.startsWith(prefix)) {
                    for (String pair : line.substring(prefix.length()).split(",")) {
                        if (pair.startsWith(field + "=")) {
                            return Long.parseLong(pair.substring(field.length() + 1));
                        }
                    }
                }
            }
            return 0;
        }
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("redmap exited with " + process.exitValue() + " at start; log:\n" + log());
            }
            try (Jedis jedis = jedis()) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // Still building or starting.
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("redmap does not answer PING on port " + port + "; log:\n" + log());
            }
            sleep(50);
        }
    }

    /** A loopback port free now, in 20000-29999 (see {@link #LOWEST_PORT}). */
    public static int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOWEST_PORT, HIGHEST_PORT + 1);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return candidate;
            } catch (IOException taken) {
                // Try another.
            }
        }
        throw new IllegalStateException("no free port in " + LOWEST_PORT + "-" + HIGHEST_PORT);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the server and deletes its directory (and its log, when it was started alone). */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(ownsRoot ? root : dir);
    }

    static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary file is not a test failure.
        }
    }
}

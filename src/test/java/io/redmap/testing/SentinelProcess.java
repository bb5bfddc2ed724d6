package io.redmap.testing;

import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's redis-sentinel, unmodified, watching one master for a test: its own temporary
 * directory with a generated {@code sentinel.conf} (which Sentinel rewrites as it learns about
 * replicas, other Sentinels and failovers), its log file there, a free loopback port.
 *
 * <pre>
 * try (SentinelProcess sentinel = SentinelProcess.start("mymaster", master.port(), 2, Duration.ofSeconds(1))) {
 *     sentinel.awaitMaster(info -> info.get("flags").equals("master"), "seen as a master", TIMEOUT);
 * }
 * </pre>
 * Any number may run at once (each has its own port, directory and Sentinel id). Without
 * {@code /usr/bin/redis-sentinel} the calling test is skipped (an assumption), never failed.
 * Queries go through Jedis, one short connection each, so that a test may call them from a
 * poll loop while Sentinels restart or fail over.
 */
public final class SentinelProcess implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-sentinel");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long a failed failover waits before another (Redis's default is 3 minutes; tests want retries). */
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final String masterName;
    private final Path dir;
    private final int port;
    private final Process process;

    private SentinelProcess(String masterName, Path dir, int port, Process process) {
        this.masterName = masterName;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a Sentinel that monitors {@code 127.0.0.1:masterPort} as {@code masterName}, with
     * {@code quorum} and {@code down-after-milliseconds}; {@code extraLines} are more lines for
     * sentinel.conf after the {@code sentinel monitor} line, e.g.
     * {@code "sentinel auth-pass mymaster secret"}. Returns once it answers PING.
     */
    public static SentinelProcess start(String masterName, int masterPort, int quorum, Duration downAfter,
            String... extraLines) {
        List<String> lines = new ArrayList<>(List.of(
                "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + quorum,
                "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
                "sentinel failover-timeout " + masterName + " " + FAILOVER_TIMEOUT.toMillis(),
                "sentinel parallel-syncs " + masterName + " 1"));
        lines.addAll(List.of(extraLines));
        return startWithConfig(masterName, lines);
    }

    /**
     * Starts a Sentinel with {@code lines} as its configuration (they must monitor
     * {@code masterName}), after the lines this class owns: {@code port}, {@code bind 127.0.0.1},
     * {@code daemonize no}, {@code dir} and {@code logfile}, which {@code lines} must not repeat.
     */
    public static SentinelProcess startWithConfig(String masterName, List<String> lines) {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "no " + BINARY + " (apt-get install redis-sentinel)");
        AssertionError failure = null;
        // A free port may be taken between finding it and Sentinel binding it: try another then.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            SentinelProcess sentinel = launch(masterName, lines);
            try {
                sentinel.awaitReady();
                return sentinel;
            } catch (AssertionError e) {
                sentinel.close();
                failure = e;
                if (!e.getMessage().contains("Address already in use")) {
                    break;
                }
            }
        }
        throw failure;
    }

    /**
     * As {@link #startWithConfig(String, List)}, on a port chosen before (servers that follow this
     * Sentinel were told where it would be).
     */
    public static SentinelProcess startWithConfig(String masterName, List<String> lines, int port) {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "no " + BINARY + " (apt-get install redis-sentinel)");
        SentinelProcess sentinel = launch(masterName, lines, port);
        try {
            sentinel.awaitReady();
            return sentinel;
        } catch (AssertionError e) {
            sentinel.close();
            throw e;
        }
    }

    private static SentinelProcess launch(String masterName, List<String> lines) {
        try {
            return launch(masterName, lines, freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static SentinelProcess launch(String masterName, List<String> lines, int port) {
        try {
            Path dir = Files.createTempDirectory("sentinel");
            List<String> config = new ArrayList<>(List.of(
                    "# written by SentinelProcess; Sentinel rewrites this file as it learns",
                    "port " + port,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "dir " + dir,
                    "logfile " + dir.resolve("sentinel.log")));
            config.addAll(lines);
            Path file = dir.resolve("sentinel.conf");
            Files.write(file, config, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(BINARY.toString(), file.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            return new SentinelProcess(masterName, dir, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-sentinel exited with " + process.exitValue() + " at start; " + logs());
            }
            try (Jedis jedis = jedis()) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // Not listening yet.
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("redis-sentinel does not answer PING on port " + port + " after "
                        + START_TIMEOUT + "; " + logs());
            }
            sleep(20);
        }
    }

    public int port() {
        return port;
    }

    public String masterName() {
        return masterName;
    }

    /** The Sentinel's directory: its sentinel.conf (as it rewrote it) and sentinel.log. */
    public Path dir() {
        return dir;
    }

    /** A new connection to this Sentinel; the caller closes it. */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    /** {@code SENTINEL get-master-addr-by-name}: where this Sentinel says the master is, if it knows. */
    public Optional<HostAndPort> masterAddress() {
        List<String> address = query(jedis -> jedis.sentinelGetMasterAddrByName(masterName));
        return address == null || address.isEmpty() ? Optional.empty()
                : Optional.of(new HostAndPort(address.get(0), Integer.parseInt(address.get(1))));
    }

    /** {@code SENTINEL MASTER name} as a map: flags, runid, num-other-sentinels, role-reported... */
    public Map<String, String> info() {
        return query(jedis -> jedis.sentinelMaster(masterName));
    }

    /** The same for another master this Sentinel monitors. */
    public Map<String, String> info(String name) {
        return query(jedis -> jedis.sentinelMaster(name));
    }

    /** {@code SENTINEL REPLICAS name}: one map per replica it knows of. */
    public List<Map<String, String>> replicas() {
        return query(jedis -> jedis.sentinelReplicas(masterName));
    }

    /** {@code SENTINEL SENTINELS name}: one map per other Sentinel it has heard from. */
    public List<Map<String, String>> sentinels() {
        return query(jedis -> jedis.sentinelSentinels(masterName));
    }

    /** {@code SENTINEL MYID}. */
    public String id() {
        return query(Jedis::sentinelMyId);
    }

    /** Runs one query on a fresh connection. */
    public <T> T query(Function<Jedis, T> query) {
        try (Jedis jedis = jedis()) {
            return query.apply(jedis);
        }
    }

    /** Waits until {@code SENTINEL MASTER}'s fields satisfy {@code condition}; the failure shows them and the log. */
    public Map<String, String> awaitMaster(Predicate<Map<String, String>> condition,
            String description, Duration timeout) {
        return Poll.until(timeout, description + " (sentinel on port " + port + ")", this::info, condition, this::logs);
    }

    /** Waits until the Sentinel says the master is at {@code 127.0.0.1:port} (after a failover). */
    public HostAndPort awaitMasterPort(int masterPort, Duration timeout) {
        return Poll.until(timeout, "reporting the master on port " + masterPort + " (sentinel on port " + port + ")",
                this::masterAddress, address -> address.isPresent() && address.get().getPort() == masterPort,
                this::logs).orElseThrow();
    }

    /** The Sentinel's log file (and anything it wrote to standard output), for failure messages. */
    public String log() {
        return read(dir.resolve("sentinel.log")) + read(dir.resolve("stdout.log"));
    }

    /** The log with a heading naming this Sentinel, for assertion messages. */
    public String logs() {
        // A Sentinel that died says so first: a signal from outside the test shows as
        // "Received SIGTERM" in its log and exit 0, a crash as another exit code.
        String state = process.isAlive() ? "running" : "EXITED with " + process.exitValue();
        return "log of the sentinel on port " + port + " (" + state + ", " + dir + "):\n" + log();
    }

    /** sentinel.conf as Sentinel last rewrote it. */
    public String config() {
        return read(dir.resolve("sentinel.conf"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the Sentinel (SIGKILL: nothing of it is under test at that point) and deletes its directory. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is not a test failure.
        }
    }
}

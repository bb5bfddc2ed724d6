package io.redmap.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A redmap server in its own JVM, for what an embedded server cannot show: SIGTERM, kill -9,
 * SHUTDOWN ending the process, a restart that reads the catalogue from disk.
 *
 * <pre>
 * try (ServerProcess server = ServerProcess.start(dir)) { ... server.terminate(); }
 * </pre>
 * The server listens on an ephemeral loopback port, with {@code dir} as its directory (which
 * this class never deletes: a test restarts on it). Its standard output and error are drained
 * into a buffer that the test can read ({@link #log()}). {@link #close()} kills it if it still runs.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Running mode=\\w+, port=(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path configFile;
    private final List<String> options;
    /** JVM options before the main class ({@code -Dredmap....} switches); kept for {@link #restart}. */
    private List<String> jvmOptions = List.of();
    private final Process process;
    private final StringBuilder log = new StringBuilder();
    private final Thread drainer;
    private int port;

    private ServerProcess(Path dir, Path configFile, List<String> options, Process process) {
        this.dir = dir;
        this.configFile = configFile;
        this.options = options;
        this.process = process;
        this.drainer = Thread.ofPlatform().daemon().name("redmap-log-" + process.pid()).start(this::drain);
    }

    /** Starts a server on {@code dir}; {@code options} are extra {@code --name value} words. */
    public static ServerProcess start(Path dir, String... options) {
        return start(dir, null, options);
    }

    /**
     * Starts a server with a config file, given first on the command line as redis-server takes
     * it (CONFIG REWRITE writes into it; INFO shows it as {@code config_file}); the command line's
     * {@code --port 0 --bind --dir} and {@code options} override what it says.
     */
    public static ServerProcess startWithConfig(Path dir, Path configFile, String... options) {
        return start(dir, configFile, options);
    }

    /** As {@link #start(Path, String...)}, with JVM options too (system properties the server reads). */
    public static ServerProcess startWithJvmOptions(Path dir, List<String> jvmOptions, String... options) {
        return start(dir, null, jvmOptions, options);
    }

    private static ServerProcess start(Path dir, Path configFile, String... options) {
        return start(dir, configFile, List.of(), options);
    }

    private static ServerProcess start(Path dir, Path configFile, List<String> jvmOptions, String... options) {
        ServerProcess server = launch(dir, configFile, jvmOptions, options);
        try {
            server.port = Integer.parseInt(server.awaitLog(READY, START_TIMEOUT).group(1));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Starts the process without waiting for it to be ready: for a start that must fail, followed
     * by {@link #awaitExit} and {@link #log()}.
     */
    public static ServerProcess launch(Path dir, String... options) {
        return launch(dir, null, options);
    }

    /**
     * Starts a server through a launcher script ({@code bin/redmap-server} of some tree) with
     * these environment variables added; {@code timeout} covers what the launcher does first
     * (training its AOT cache). {@link #restart()} of it starts the plain JVM, not the launcher.
     */
    public static ServerProcess startLauncher(Path launcher, java.util.Map<String, String> environment, Path dir,
                                              Duration timeout, String... options) {
        List<String> command = new ArrayList<>(List.of(launcher.toString(),
                "--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        ServerProcess server = new ServerProcess(dir, null, List.of(options), process);
        try {
            server.port = Integer.parseInt(server.awaitLog(READY, timeout).group(1));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static ServerProcess launch(Path dir, Path configFile, String... options) {
        return launch(dir, configFile, List.of(), options);
    }

    private static ServerProcess launch(Path dir, Path configFile, List<String> jvmOptions, String... options) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xmx256m", "-Dio.netty.tryReflectionSetAccessible=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.redmap.server.Main"));
        if (configFile != null) {
            command.add(configFile.toString());
        }
        command.addAll(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        command.addAll(List.of(options));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        ServerProcess server = new ServerProcess(dir, configFile, List.of(options), process);
        server.jvmOptions = List.copyOf(jvmOptions);
        return server;
    }

    /** A new server on the same directory with the same config file and options (this one must have exited). */
    public ServerProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("the server still runs (pid " + process.pid() + ")");
        }
        return start(dir, configFile, jvmOptions, options.toArray(String[]::new));
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    /** How many of the server's descriptors name a file in {@code directory} (from /proc). */
    public long descriptorsUnder(Path directory) throws IOException {
        Path real = directory.toRealPath();
        long count = 0;
        try (var fds = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(real)) {
                        count++;
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing
                }
            }
        }
        return count;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the server has written to stdout and stderr so far. */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Waits until the log has a match of {@code pattern}; fails, showing the log, on timeout or exit. */
    public Matcher awaitLog(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (true) {
                Matcher matcher = pattern.matcher(log);
                if (matcher.find()) {
                    return matcher;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!drainer.isAlive() && !process.isAlive())) {
                    throw new AssertionError("server log has no '" + pattern + "' (" + (left <= 0 ? "timeout"
                            : "process exited with " + process.exitValue()) + "); log:\n" + log);
                }
                try {
                    log.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for the server log", e);
                }
            }
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate() {
        process.destroy();
        return awaitExit(STOP_TIMEOUT);
    }

    /** Sends SIGKILL (kill -9) and waits for the exit; returns the exit code. */
    public int kill() {
        process.destroyForcibly();
        return awaitExit(STOP_TIMEOUT);
    }

    /** Waits for the process to exit by itself (after SHUTDOWN); fails on timeout. Returns the exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("server (pid " + process.pid() + ") still runs after " + timeout
                        + "; log:\n" + log());
            }
            drainer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server to exit", e);
        }
        return process.exitValue();
    }

    private void drain() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (log) {
                    // Log lines are ASCII apart from key names; a split UTF-8 sequence only garbles one character.
                    log.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    log.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // The stream closes when the process dies.
        } finally {
            synchronized (log) {
                log.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            drainer.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

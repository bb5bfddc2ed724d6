package io.redmap.replication;

import io.redmap.testing.ServerProcess;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One redmap server of a replication test: its process (a real JVM on a loopback port, see
 * {@link ServerProcess}) and a Jedis connection to it. Replies are turned into plain Java values:
 * integers {@code Long}, bulk strings {@code String}, arrays {@code List}, nil {@code null}.
 */
final class Node implements AutoCloseable {
    private final String name;
    private ServerProcess process;
    private Jedis jedis;
    /** requirepass of this server, sent by every connection made (null: none). */
    private volatile String password;

    private Node(String name, ServerProcess process) {
        this.name = name;
        this.process = process;
        this.jedis = connect();
    }

    static Node start(String name, Path dir, String... options) {
        return new Node(name, ServerProcess.start(dir, options));
    }

    static Node startWithConfig(String name, Path config, Path dir, String... options) {
        return new Node(name, ServerProcess.startWithConfig(dir, config, options));
    }

    String name() {
        return name;
    }

    int port() {
        return process.port();
    }

    Path dir() {
        return process.dir();
    }

    ServerProcess process() {
        return process;
    }

    String log() {
        return process.log();
    }

    /**
     * Waits until the log has {@code text} (the log is read from the process's output by another
     * thread: a reply that follows a log line may arrive before the line is read).
     */
    void awaitLog(String text) {
        process.awaitLog(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(text)), Nodes.TIMEOUT);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A new connection (db 0); the caller closes it. */
    Jedis connect() {
        Jedis connection = new Jedis("127.0.0.1", process.port(), 60_000);
        if (password != null) {
            connection.auth(password);
        }
        return connection;
    }

    /** For a server with requirepass: AUTH now, and on every connection made from now on. */
    void password(String password) {
        this.password = password;
        jedis.auth(password);
    }

    Jedis jedis() {
        return jedis;
    }

    /** Sends a command on this node's connection; arguments are {@code String.valueOf}'d, byte arrays sent as they are. */
    Object call(String command, Object... args) {
        return call(jedis, command, args);
    }

    static Object call(Jedis jedis, String command, Object... args) {
        byte[][] words = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            words[i] = args[i] instanceof byte[] bytes ? bytes : String.valueOf(args[i]).getBytes(StandardCharsets.UTF_8);
        }
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        return plain(jedis.sendCommand(name, words));
    }

    /** The raw reply (bulk strings as byte arrays), for VREAD. */
    Object callRaw(String command, Object... args) {
        byte[][] words = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            words[i] = args[i] instanceof byte[] bytes ? bytes : String.valueOf(args[i]).getBytes(StandardCharsets.UTF_8);
        }
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        return jedis.sendCommand(name, words);
    }

    /** SELECT db, then the command. */
    Object in(int db, String command, Object... args) {
        jedis.select(db);
        return call(command, args);
    }

    /** Sends a command that must fail; returns its error line ({@code CODE message}). */
    String error(String command, Object... args) {
        JedisDataException e = catchThrowableOfType(JedisDataException.class, () -> call(command, args));
        assertThat(e).as("%s %s on %s must be refused", command, Arrays.toString(args), name).isNotNull();
        return e.getMessage();
    }

    /** The reply of a command that may fail: its value, or its error line prefixed with "-". */
    Object reply(String command, Object... args) {
        return reply(jedis, command, args);
    }

    static Object reply(Jedis jedis, String command, Object... args) {
        try {
            return call(jedis, command, args);
        } catch (JedisDataException e) {
            return "-" + e.getMessage();
        }
    }

    /** INFO section as field -> value, in the server's order. */
    Map<String, String> info(String section) {
        return parseInfo(jedis.info(section));
    }

    static Map<String, String> parseInfo(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (line.isBlank() || line.startsWith("#") || colon < 0) {
                continue;
            }
            fields.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return fields;
    }

    String info(String section, String field) {
        return info(section).get(field);
    }

    long stat(String field) {
        return Long.parseLong(info("stats", field));
    }

    /** REPLICAOF 127.0.0.1 master's port. */
    Object replicaOf(Node master) {
        return call("REPLICAOF", "127.0.0.1", master.port());
    }

    /** kill -9; waits for the exit. */
    void kill() {
        jedis.close();
        process.kill();
    }

    /** SIGTERM; waits for the exit. */
    int terminate() {
        jedis.close();
        return process.terminate();
    }

    /** A new process on the same directory with the same options (after kill or terminate). */
    void restart() {
        jedis.close();
        process = process.restart();
        jedis = connect();
    }

    /** Sends a signal (STOP, CONT) to this node's process, by its id. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -%s %d", signal, process.pid()).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            jedis.close();
        } finally {
            process.close();
        }
    }

    @Override
    public String toString() {
        return name + " (port " + process.port() + ", dir " + process.dir() + ")";
    }

    static Object plain(Object reply) {
        return switch (reply) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (Object item : list) {
                    out.add(plain(item));
                }
                yield out;
            }
            case null, default -> reply;
        };
    }
}

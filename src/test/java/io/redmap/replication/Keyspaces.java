package io.redmap.replication;

import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What "a full copy" means, as clients and other programs see it: every key of every database
 * with what the array commands answer about it, and every data file byte for byte.
 */
final class Keyspaces {
    /** Arrays longer than this are compared by their files' bytes only (VALL would be huge). */
    private static final long MAX_VALL = 100_000;

    private Keyspaces() {
    }

    /** One key as clients see it. The path is the one VFILEPATH gives, relative to the server's dir when inside it. */
    record KeyState(int db, String key, Object type, Object vtype, Object vsize, Object vshape, Object vcount, String path,
                    Object values) {
    }

    /** DBSIZE of each database, then every key in order. */
    record Snapshot(List<Long> dbsizes, List<KeyState> keys) {
    }

    static Snapshot snapshot(Node node) {
        try (Jedis jedis = node.connect()) {
            int databases = Integer.parseInt(jedis.configGet("databases").get("databases"));
            List<Long> sizes = new ArrayList<>();
            List<KeyState> keys = new ArrayList<>();
            for (int db = 0; db < databases; db++) {
                jedis.select(db);
                sizes.add(jedis.dbSize());
                for (String key : new TreeSet<>(jedis.keys("*"))) {
                    keys.add(key(jedis, node.dir(), db, key));
                }
            }
            return new Snapshot(sizes, keys);
        }
    }

    private static KeyState key(Jedis jedis, Path dir, int db, String key) {
        Object count = reply(jedis, "VCOUNT", key);
        Object values = count instanceof Long n && n <= MAX_VALL ? reply(jedis, "VALL", key) : "(compared by file bytes)";
        String path = String.valueOf(reply(jedis, "VFILEPATH", key));
        String prefix = dir.toString() + "/";
        if (path.startsWith(prefix)) {
            path = path.substring(prefix.length());
        }
        return new KeyState(db, key, reply(jedis, "TYPE", key), reply(jedis, "VTYPE", key), reply(jedis, "VSIZE", key),
                reply(jedis, "VSHAPE", key), count, path, values);
    }

    private static Object reply(Jedis jedis, String command, Object... args) {
        return Node.reply(jedis, command, args);
    }

    /** The replica answers for every key exactly as the master does. */
    static void assertSameKeyspace(Node master, Node replica) {
        Snapshot expected = snapshot(master);
        assertThat(snapshot(replica)).as("keyspace of %s equals that of %s", replica.name(), master.name())
                .isEqualTo(expected);
    }

    /** The data files under {@code dir}: every regular file but the server's own (catalogue, journal, config). */
    static List<Path> dataFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(dir::relativize)
                    .filter(path -> !path.getFileName().toString().startsWith("redmap.")
                            && !path.getFileName().toString().endsWith(".conf")
                            && !path.getFileName().toString().endsWith(".tmp"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every data file of the master's dir is in the replica's dir at the same relative path with
     * the same bytes, and the replica has no data file the master lacks (no leftover of a sync).
     */
    static void assertSameFiles(Node master, Node replica) {
        List<Path> files = dataFiles(master.dir());
        assertThat(dataFiles(replica.dir())).as("data files of %s (those of %s: %s)", replica.name(), master.name(), files)
                .containsExactlyElementsOf(files);
        for (Path file : files) {
            assertSameBytes(master.dir().resolve(file), replica.dir().resolve(file));
        }
    }

    static void assertSameBytes(Path expected, Path actual) {
        try {
            byte[] want = Files.readAllBytes(expected);
            byte[] have = Files.readAllBytes(actual);
            if (!Arrays.equals(want, have)) {
                long first = Arrays.mismatch(want, have);
                throw new AssertionError(actual + " differs from " + expected + ": " + have.length + " bytes instead of "
                        + want.length + ", first difference at byte " + first);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Both the keyspace and the files: what a test checks once WAIT has counted the replica. */
    static void assertSameData(Node master, Node replica) {
        assertSameKeyspace(master, replica);
        assertSameFiles(master, replica);
    }
}

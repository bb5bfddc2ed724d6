package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.commands.ProtocolCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC D: disk space reserved past a file's end for fast appends never exceeds 1/8 of the file or
 * 1 MiB, and is given back when the last key on the file is unmapped (DEL, FLUSHDB, RENAME over
 * it) and when the server stops. Space is what the file system says a file holds ({@code st_blocks}).
 */
class DiskReservationTest {
    private static final long MIB = 1 << 20;
    /**
     * What a file of a few bytes occupies: one block (ext4 and tmpfs use 4 KiB). A growing file
     * may take one more: rounding, and ext4's own extent tree block, which st_blocks counts.
     */
    private static final long BLOCK = 4096;
    private static final ProtocolCommand VADD = () -> "VADD".getBytes(StandardCharsets.US_ASCII);

    @Test
    void smallArraysReserveAlmostNothingAndGiveItBackWhenUnmapped() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            ArrayClient redis = new ArrayClient(jedis);
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String name = "small-" + i + ".bin";
                redis.call("MMAP", "k" + i, name, "int64", "WRITABLE");
                assertThat(redis.call("VADD", "k" + i, i)).isEqualTo(1L);
                files.add(server.path(name));
            }
            for (Path file : files) {
                assertThat(Files.size(file)).isEqualTo(8);
                assertThat(allocated(file)).as("%s while mapped", file.getFileName()).isLessThanOrEqualTo(BLOCK);
            }
        }
    }

    @Test
    void aGrowingArrayReservesAtMostAnEighthAndAtMostOneMib() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            ArrayClient redis = new ArrayClient(jedis);
            Path file = server.path("grow.bin");
            redis.call("MMAP", "g", "grow.bin", "int64", "WRITABLE");
            // Pipelined single values: the appends that are deferred and need the reservation.
            for (int round = 0; round < 8; round++) {
                appendPipelined(jedis, "g", 5_000);
                long size = Files.size(file);
                assertThat(size).isEqualTo((round + 1) * 5_000L * 8);
                assertThat(allocated(file) - size).as("reserved past %d bytes", size)
                        .isLessThanOrEqualTo(size / 8 + 2 * BLOCK);
            }
            // A large file: the room ahead stops at 1 MiB.
            redis.call("VWRITE", "g", redis.call("VCOUNT", "g"), new String(new byte[12 * (int) MIB], StandardCharsets.ISO_8859_1));
            appendPipelined(jedis, "g", 1_000);
            long size = Files.size(file);
            assertThat(size).isGreaterThan(12 * MIB);
            assertThat(allocated(file) - size).isLessThanOrEqualTo(MIB + BLOCK);
        }
    }

    @Test
    void theReservationIsGivenBackOnDelFlushallRenameAndStop() throws Exception {
        TestServer server = TestServer.start();
        try (Jedis jedis = server.jedis()) {
            ArrayClient redis = new ArrayClient(jedis);
            List<String> keys = List.of("del", "flush", "renamed", "stop", "shared");
            for (String key : keys) {
                redis.call("MMAP", key, key + ".bin", "int64", "WRITABLE");
                redis.call("VWRITE", key, 0, new String(new byte[4 * (int) MIB], StandardCharsets.ISO_8859_1));
                appendPipelined(jedis, key, 100);
                assertThat(allocated(server.path(key + ".bin")) - Files.size(server.path(key + ".bin")))
                        .as("%s reserves room ahead while mapped", key).isGreaterThan(4 * BLOCK);
            }
            redis.call("MMAP", "shared2", "shared.bin", "int64", "WRITABLE");
            redis.call("MMAP", "other", "other.bin", "int64", "WRITABLE");

            redis.call("DEL", "del");
            assertReleased(server.path("del.bin"));
            redis.call("DEL", "shared");
            assertThat(allocated(server.path("shared.bin")) - Files.size(server.path("shared.bin")))
                    .as("another key still maps shared.bin").isGreaterThan(4 * BLOCK);
            redis.call("RENAME", "other", "renamed");
            assertReleased(server.path("renamed.bin"));
            redis.call("MOVE", "flush", 1);
            redis.call("SELECT", 1);
            redis.call("FLUSHDB");
            assertReleased(server.path("flush.bin"));

            server.server().close();
            assertReleased(server.path("stop.bin"));
            assertReleased(server.path("shared.bin"));
            for (String key : keys) {
                assertThat(Files.size(server.path(key + ".bin"))).isEqualTo(4 * MIB + 800);
            }
        } finally {
            server.close();
        }
    }

    /** The report of issue 9: seven arrays of 12 bytes on a 2 MB tmpfs filled 91% of it. */
    @Test
    void sevenTinyArraysOnATwoMegabyteTmpfsTakeAFewPages() throws Exception {
        Path mount = Files.createTempDirectory("redmap-reserve");
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        try {
            assumeTrue(mounted, "cannot mount a tmpfs on " + mount + " (not root?)");
            FileStore store = Files.getFileStore(mount);
            try (TestServer server = TestServer.start("--mmap-allow-path", mount.toString());
                 Jedis jedis = server.jedis()) {
                ArrayClient redis = new ArrayClient(jedis);
                for (int i = 0; i < 7; i++) {
                    redis.call("MMAP", "t" + i, mount.resolve("t" + i + ".bin").toString(), "int32", "WRITABLE");
                    assertThat(redis.call("VADD", "t" + i, 1, 2, 3)).isEqualTo(3L);
                }
                long used = store.getTotalSpace() - store.getUsableSpace();
                assertThat(used).as("bytes used on the tmpfs").isLessThanOrEqualTo(7 * 2 * BLOCK);
            }
        } finally {
            if (mounted && !run("umount", mount.toString())) {
                run("umount", "-l", mount.toString());
            }
            try (Stream<Path> files = Files.walk(mount)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void appendPipelined(Jedis jedis, String key, int values) {
        Pipeline pipeline = jedis.pipelined();
        for (int i = 0; i < values; i++) {
            pipeline.sendCommand(VADD, key, String.valueOf(i));
        }
        pipeline.sync();
    }

    private static void assertReleased(Path file) throws IOException {
        long size = Files.size(file);
        assertThat(allocated(file)).as("%s after its last key let go", file.getFileName())
                .isLessThanOrEqualTo((size + BLOCK - 1) / BLOCK * BLOCK);
    }

    /** The bytes of disk the file system gives the file (st_blocks * 512). */
    private static long allocated(Path file) {
        try {
            Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
            String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertThat(stat.waitFor(10, TimeUnit.SECONDS)).isTrue();
            return Long.parseLong(out) * 512;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}

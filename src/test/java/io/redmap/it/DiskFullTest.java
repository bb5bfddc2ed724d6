package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk (SPEC D): an array lives on a 4 MB tmpfs, and VADDs of 10,000 doubles fill it. The
 * VADD that finds no room gets {@code ERR ... no space left on device}; the array keeps its
 * length (on disk too: no half-written batch is left in the file) and its values; the server
 * answers; once space is freed, appends work again. With {@code mmap-sync always} as well, whose
 * append journal lives in the server's own directory, not on the full file system.
 */
class DiskFullTest {
    private static final int BATCH = 10_000;
    private static final int BALLAST_BYTES = 1 << 20;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("redmap-diskfull");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString());
        assumeTrue(mounted, "cannot mount a tmpfs on " + mount + " (not root?)");
    }

    @AfterEach
    void unmountTmpfs() throws Exception {
        try {
            if (mounted && !run("umount", mount.toString())) {
                run("umount", "-l", mount.toString());
            }
        } finally {
            try (Stream<Path> files = Files.walk(mount)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @ParameterizedTest(name = "mmap-sync {0}")
    @ValueSource(strings = {"everysec", "always"})
    void aFullDiskFailsTheAppendAndChangesNothing(String sync) throws Exception {
        Path ballast = mount.resolve("ballast.bin");
        Files.write(ballast, new byte[BALLAST_BYTES]);
        Path file = mount.resolve("full.bin");
        try (TestServer server = TestServer.start("--mmap-allow-path", mount.toString(), "--mmap-sync", sync);
             Jedis jedis = server.jedis()) {
            ArrayClient client = new ArrayClient(jedis);
            assertThat(client.call("MMAP", "a", file.toString(), "double", "WRITABLE")).isEqualTo(0L);

            long count = 0;
            String error = null;
            for (int batch = 0; error == null; batch++) {
                assertThat(batch).as("VADDs before the 4 MB tmpfs was full").isLessThan(100);
                try {
                    assertThat(client.call("VADD", batchOf(count))).isEqualTo((long) BATCH);
                    count += BATCH;
                } catch (JedisDataException e) {
                    error = e.getMessage();
                }
            }
            assertThat(count).as("values appended before the disk was full").isGreaterThan(100_000);
            assertThat(error).startsWith("ERR ").containsIgnoringCase("no space left on device");

            // Nothing of the failed batch is committed, to the server or on disk.
            assertThat(client.call("VCOUNT", "a")).isEqualTo(count);
            assertThat(Files.size(file)).isEqualTo(count * 8);
            assertValues(client, file, count);
            assertThat(client.call("PING")).isEqualTo("PONG");
            Path journal = server.path("redmap.appendlog");
            assertThat(Files.exists(journal) ? Files.size(journal) : 0L).as("append journal after the failure").isZero();

            // Still full: a second try fails the same way and still changes nothing.
            assertThat(client.error("VADD", batchOf(count))).containsIgnoringCase("no space left on device");
            assertThat(client.call("VCOUNT", "a")).isEqualTo(count);
            assertThat(Files.size(file)).isEqualTo(count * 8);

            // Single values (small appends may be batched before they are written) fill what room
            // is left (less than a batch); the first that finds none gets an error reply too.
            String small = null;
            for (int i = 0; small == null; i++) {
                assertThat(i).as("single-value VADDs on a full disk").isLessThanOrEqualTo(BATCH);
                try {
                    assertThat(client.call("VADD", "a", count + ".25")).isEqualTo(1L);
                    count++;
                } catch (JedisDataException e) {
                    small = e.getMessage();
                }
            }
            assertThat(small).startsWith("ERR ").containsIgnoringCase("no space left on device");
            assertThat(client.call("VCOUNT", "a")).isEqualTo(count);
            assertThat(Files.size(file)).isEqualTo(count * 8);
            assertValues(client, file, count);
            assertThat(client.call("PING")).isEqualTo("PONG");

            // Room again: appends go on where they stopped.
            Files.delete(ballast);
            for (int i = 0; i < 3; i++) {
                assertThat(client.call("VADD", batchOf(count))).isEqualTo((long) BATCH);
                count += BATCH;
            }
            assertThat(client.call("VCOUNT", "a")).isEqualTo(count);
            assertThat(Files.size(file)).isEqualTo(count * 8);
            assertValues(client, file, count);
            assertThat(client.call("VSYNC", "a")).isNotNull();
        }
    }

    /** VADD arguments: the key, then values {@code first .. first + BATCH - 1} (each v + 0.25, exact in a double). */
    private static Object[] batchOf(long first) {
        Object[] args = new Object[BATCH + 1];
        args[0] = "a";
        for (int i = 0; i < BATCH; i++) {
            args[i + 1] = (first + i) + ".25";
        }
        return args;
    }

    private static void assertValues(ArrayClient client, Path file, long count) {
        ByteBuffer bytes = ByteBuffer.wrap(ArrayClient.fileBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(count * 8);
        for (int i = 0; i < count; i++) {
            double value = bytes.getDouble();
            if (value != i + 0.25) {
                fail("value " + i + " in the file is " + value + ", not " + (i + 0.25));
            }
        }
        for (long i : new long[] {0, 1, count / 2, count - 1}) {
            assertThat(client.call("VGET", "a", i)).isEqualTo(i + ".25");
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }
}

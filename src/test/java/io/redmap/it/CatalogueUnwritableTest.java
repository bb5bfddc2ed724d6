package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC D, persistence failures: while the keyspace catalogue cannot be written (its path made a
 * directory, a full disk), a command that changes the keyspace gets {@code -MISCONF} and changes
 * nothing, in memory or on disk; reads, PING, INFO, array writes and every other client go on; and
 * the server recovers by itself once the cause is gone.
 */
class CatalogueUnwritableTest {
    private static final String CATALOGUE = "redmap.catalog";
    private static final String CHANGES_REFUSED = "commands that change the keyspace are refused until it can be "
            + "saved. Check the server log.";

    private Path mount;
    private boolean mounted;

    private static String misconf(String reason) {
        return "MISCONF Errors writing the keyspace catalogue (" + reason + "): " + CHANGES_REFUSED;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount == null) {
            return;
        }
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

    @Test
    void aCatalogueMadeADirectoryRefusesChangesAndServesEverythingElseUntilItIsBack() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis(); Jedis otherJedis = server.jedis()) {
            ArrayClient client = new ArrayClient(jedis);
            ArrayClient other = new ArrayClient(otherJedis);
            assertThat(client.call("MMAP", "a", "a.bin", "double", "WRITABLE")).isEqualTo(0L);
            assertThat(client.call("VADD", "a", "1.5", "2.5")).isEqualTo(2L);
            Path catalogue = server.path(CATALOGUE);
            byte[] saved = Files.readAllBytes(catalogue);
            Files.delete(catalogue);
            Files.createDirectory(catalogue);

            // The change that cannot be saved: refused, and nothing of it stays.
            client.assertError(misconf("Is a directory"), "MMAP", "b", "b.bin", "double", "WRITABLE");
            assertThat(client.call("DBSIZE")).isEqualTo(1L);
            assertThat(client.call("EXISTS", "b")).isEqualTo(0L);
            assertThat(server.path("b.bin")).as("the file the refused MMAP created").doesNotExist();
            assertThat(fileNames(server.dir())).containsExactlyInAnyOrder("a.bin", CATALOGUE);

            // Reads, PING, INFO and array writes, on this connection and another.
            for (ArrayClient each : List.of(client, other)) {
                assertThat(each.call("PING")).isEqualTo("PONG");
                assertThat(each.call("VGET", "a", 1)).isEqualTo("2.5");
                assertThat(each.call("EXISTS", "a")).isEqualTo(1L);
                assertThat(each.call("INFO", "persistence")).asString()
                        .contains("rdb_last_bgsave_status:err", "catalogue_last_save_error:Is a directory");
            }
            assertThat(other.call("VADD", "a", "3.5")).isEqualTo(1L);
            assertThat(client.call("VCOUNT", "a")).isEqualTo(3L);

            // Every change is refused up front meanwhile, whoever asks; SAVE says why it fails.
            for (Object[] change : List.<Object[]>of(new Object[] {"DEL", "a"}, new Object[] {"UNLINK", "a"},
                    new Object[] {"RENAME", "a", "z"}, new Object[] {"RENAMENX", "a", "z"}, new Object[] {"MOVE", "a", 1},
                    new Object[] {"FLUSHDB"}, new Object[] {"FLUSHALL"}, new Object[] {"MMAP", "c", "c.bin"})) {
                other.assertError(misconf("Is a directory"), (String) change[0],
                        List.of(change).subList(1, change.length).toArray());
            }
            other.assertError("ERR Errors writing the keyspace catalogue (Is a directory). Check the server log.", "SAVE");
            assertThat(client.call("KEYS", "*")).isEqualTo(List.of("a"));
            assertThat(server.path("c.bin")).doesNotExist();

            // The cause goes: the server saves again by itself, and changes are accepted.
            Files.delete(catalogue);
            Files.write(catalogue, saved);
            awaitSavedAgain(other);
            assertThat(client.call("MMAP", "b", "b.bin", "double", "WRITABLE")).isEqualTo(0L);
            assertThat(other.call("DEL", "a")).isEqualTo(1L);
            assertThat(fileNames(server.dir())).containsExactlyInAnyOrder("a.bin", "b.bin", CATALOGUE);

            server.restart();
            ArrayClient restarted = new ArrayClient(server.jedis());
            assertThat(restarted.call("KEYS", "*")).isEqualTo(List.of("b"));
        }
    }

    /**
     * A pipeline that mixes reads with changes, in MULTI/EXEC too: exactly the replies of the changes
     * become -MISCONF (inside EXEC, the element of the change), the others are sent as they are, in
     * order. However the server happens to split the pipeline into batches, the replies are these.
     */
    @Test
    void inAPipelineOnlyTheRepliesOfTheChangesBecomeMisconf() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis();
             RawClient raw = new RawClient(server.port())) {
            ArrayClient client = new ArrayClient(jedis);
            assertThat(client.call("MMAP", "a", "a.bin", "double", "WRITABLE")).isEqualTo(0L);
            assertThat(client.call("VADD", "a", "1", "2")).isEqualTo(2L);
            Path catalogue = server.path(CATALOGUE);
            byte[] saved = Files.readAllBytes(catalogue);
            Files.delete(catalogue);
            Files.createDirectory(catalogue);

            String error = "-" + misconf("Is a directory") + "\r\n";
            raw.send(resp("PING") + resp("MMAP", "b", "b.bin", "double", "WRITABLE") + resp("EXISTS", "a")
                    + resp("VADD", "a", "3") + resp("MULTI") + resp("MMAP", "c", "c.bin", "double", "WRITABLE")
                    + resp("VCOUNT", "a") + resp("EXEC") + resp("ECHO", "end"));
            assertThat(List.of(raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine(),
                    raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine(),
                    raw.readLine())).containsExactly("+PONG\r\n", error, ":1\r\n", ":1\r\n", "+OK\r\n", "+QUEUED\r\n",
                    "+QUEUED\r\n", "*2\r\n", error, ":3\r\n", "$3\r\n", "end\r\n");
            assertThat(raw.command("PING").readLine()).isEqualTo("+PONG\r\n");

            assertThat(client.call("DBSIZE")).isEqualTo(1L);
            assertThat(client.call("VCOUNT", "a")).as("the array write of the pipeline stands").isEqualTo(3L);
            assertThat(server.path("b.bin")).doesNotExist();
            assertThat(server.path("c.bin")).doesNotExist();

            Files.delete(catalogue);
            Files.write(catalogue, saved);
            awaitSavedAgain(client);
            raw.send(resp("MMAP", "b", "b.bin", "double", "WRITABLE") + resp("EXISTS", "b"));
            assertThat(List.of(raw.readLine(), raw.readLine())).containsExactly(":0\r\n", ":1\r\n");
        }
    }

    /**
     * A change queued after a streamed reply in a transaction: its reply goes out after the stream,
     * not with the connection's pending replies, and is still the -MISCONF of the undone change.
     */
    @Test
    void aChangeAfterAStreamedReplyInATransactionIsAnsweredMisconf() throws Exception {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis();
             RawClient raw = new RawClient(server.port())) {
            ArrayClient client = new ArrayClient(jedis);
            int elements = 20_000; // more than a reply built whole holds: VALL streams it
            Files.write(server.path("big.bin"), new byte[elements * 8]);
            assertThat(client.call("MMAP", "big", "big.bin", "double")).isEqualTo((long) elements);
            Path catalogue = server.path(CATALOGUE);
            Files.delete(catalogue);
            Files.createDirectory(catalogue);

            raw.send(resp("MULTI") + resp("VALL", "big") + resp("MMAP", "c", "c.bin", "double", "WRITABLE")
                    + resp("EXEC"));
            assertThat(List.of(raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine(), raw.readLine()))
                    .containsExactly("+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "*2\r\n", "*" + elements + "\r\n");
            for (int i = 0; i < elements; i++) {
                assertThat(raw.readLine() + raw.readLine()).isEqualTo("$1\r\n0\r\n");
            }
            assertThat(raw.readLine()).isEqualTo("-" + misconf("Is a directory") + "\r\n");
            assertThat(raw.command("PING").readLine()).isEqualTo("+PONG\r\n");
            assertThat(client.call("EXISTS", "c")).isEqualTo(0L);
            assertThat(server.path("c.bin")).doesNotExist();
        }
    }

    /** A full disk (a 1 MB tmpfs as the server's dir): the same refusal, with the system's reason. */
    @Test
    void aFullDiskRefusesChangesUntilThereIsRoomAgain() throws Exception {
        mount = Files.createTempDirectory("redmap-catalogue-full");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
        assumeTrue(mounted, "cannot mount a tmpfs on " + mount + " (not root?)");
        Files.write(mount.resolve("data.bin"), new byte[64]);
        try (TestServer server = TestServer.start("--dir", mount.toString()); Jedis jedis = server.jedis()) {
            ArrayClient client = new ArrayClient(jedis);
            assertThat(client.call("MMAP", "a", "data.bin", "double")).isEqualTo(8L);
            Path catalogue = mount.resolve(CATALOGUE);
            byte[] saved = Files.readAllBytes(catalogue);
            Path ballast = mount.resolve("ballast");
            fill(ballast);

            client.assertError(misconf("No space left on device"), "MMAP", "b", "data.bin", "int64");
            assertThat(client.call("DBSIZE")).isEqualTo(1L);
            assertThat(Files.readAllBytes(catalogue)).as("the catalogue on disk").isEqualTo(saved);
            assertThat(fileNames(mount)).containsExactlyInAnyOrder("data.bin", "ballast", CATALOGUE);
            assertThat(client.call("PING")).isEqualTo("PONG");
            assertThat(client.call("VCOUNT", "a")).isEqualTo(8L);
            client.assertError(misconf("No space left on device"), "DEL", "a");

            Files.delete(ballast);
            awaitSavedAgain(client);
            assertThat(client.call("MMAP", "b", "data.bin", "int64")).isEqualTo(8L);
            assertThat(client.call("DBSIZE")).isEqualTo(2L);
            assertThat(new String(Files.readAllBytes(catalogue), java.nio.charset.StandardCharsets.ISO_8859_1).lines())
                    .hasSize(3);
        }
    }

    /** The once-a-second tasks go on while the save fails: {@code timeout} still closes idle clients. */
    @Test
    void theOnceASecondTasksGoOnWhileTheSaveFails() throws Exception {
        try (TestServer server = TestServer.start("--timeout", "1")) {
            ArrayClient client = new ArrayClient(server.jedis());
            assertThat(client.call("MMAP", "a", "a.bin", "double", "WRITABLE")).isEqualTo(0L);
            Path catalogue = server.path(CATALOGUE);
            byte[] saved = Files.readAllBytes(catalogue);
            Files.delete(catalogue);
            Files.createDirectory(catalogue);
            client.assertError(misconf("Is a directory"), "DEL", "a");

            try (RawClient idle = new RawClient(server.port())) {
                assertThat(idle.command("PING").readLine()).isEqualTo("+PONG\r\n");
                assertThat(idle.closedByServer()).as("an idle client closed by timeout").isTrue();
            }
            Files.delete(catalogue);
            Files.write(catalogue, saved);
            ArrayClient again = new ArrayClient(server.jedis());
            awaitSavedAgain(again);
            assertThat(again.call("DEL", "a")).isEqualTo(1L);
        }
    }

    /** Polls INFO until the once-a-second retry has saved the catalogue (fails after 15 s). */
    private static void awaitSavedAgain(ArrayClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!String.valueOf(client.call("INFO", "persistence")).contains("rdb_last_bgsave_status:ok")) {
            if (System.nanoTime() > deadline) {
                fail("the server did not save the catalogue again once it could; INFO: " + client.call("INFO", "persistence"));
            }
            Thread.sleep(100);
        }
    }

    /** Writes until the file system is full. */
    private static void fill(Path ballast) throws IOException {
        try (FileChannel channel = FileChannel.open(ballast, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(4096);
            for (int i = 0; i < 1024; i++) {
                chunk.clear();
                channel.write(chunk);
            }
            fail("a 1 MB tmpfs took 4 MB");
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }

    private static String resp(String... words) {
        StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        return request.toString();
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

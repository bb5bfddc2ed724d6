package io.redmap.it;

import io.redmap.command.CommandSpec;
import io.redmap.command.CommandTable;
import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Section D through a real client: path confinement, special files, the mode of created files,
 * enable-mmap-create, and requirepass.
 */
class SecurityTest {
    private static final String OUTSIDE = "ERR path is outside the allowed directories";

    private final List<TestServer> servers = new ArrayList<>();
    private Path outside;

    @BeforeEach
    void makeOutsideDirectory() throws IOException {
        outside = Files.createTempDirectory("redmap-outside");
    }

    @AfterEach
    void stop() throws IOException {
        servers.forEach(TestServer::close);
        try (Stream<Path> files = Files.walk(outside)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private TestServer start(String... options) {
        TestServer server = TestServer.start(options);
        servers.add(server);
        return server;
    }

    @Test
    void everyPathThatLeavesDirIsRefusedAndCreatesNothing() throws Exception {
        TestServer server = start();
        ArrayClient client = new ArrayClient(server.jedis());
        Files.writeString(outside.resolve("target.bin"), "secret!!");
        Files.createSymbolicLink(server.path("file-link.bin"), outside.resolve("target.bin"));
        Files.createSymbolicLink(server.path("dangling-link.bin"), outside.resolve("new.bin"));
        Files.createSymbolicLink(server.path("dir-link"), outside);
        Path parentEscape = server.dir().resolveSibling(server.dir().getFileName() + "-escape.bin");
        List<String> paths = List.of(
                "../" + parentEscape.getFileName(), "/etc/passwd", outside.resolve("x.bin").toString(),
                "file-link.bin", "dangling-link.bin", "dir-link/x.bin", "dir-link/target.bin",
                "sub/../../" + parentEscape.getFileName(), "x\0.bin", "a".repeat(5000));

        for (String path : paths) {
            client.assertError(OUTSIDE, "MMAP", "k", path);
            client.assertError(OUTSIDE, "MMAP", "k", path, "int64", "WRITABLE");
            client.assertError(OUTSIDE, "MMAP", "k", path, "int64");
        }

        assertThat(names(outside)).containsExactly("target.bin");
        assertThat(Files.readString(outside.resolve("target.bin"))).isEqualTo("secret!!");
        assertThat(Files.exists(parentEscape)).isFalse();
        assertThat(names(server.dir())).containsExactlyInAnyOrder("file-link.bin", "dangling-link.bin", "dir-link");
        assertThat(client.call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void mmapAllowPathAddsADirectoryAndNothingElse() throws Exception {
        Path extra = Files.createDirectory(outside.resolve("extra"));
        TestServer server = start("--mmap-allow-path", extra.toString());
        ArrayClient client = new ArrayClient(server.jedis());

        assertThat(client.call("MMAP", "e", extra.resolve("e.bin").toString(), "int64", "WRITABLE")).isEqualTo(0L);
        assertThat(client.call("VADD", "e", 7)).isEqualTo(1L);
        assertThat(ArrayClient.fileBytes(extra.resolve("e.bin"))).isEqualTo(ArrayClient.le(8, 7));
        // The allowed directory's siblings stay out of reach; the directory itself is a directory.
        client.assertError(OUTSIDE, "MMAP", "f", outside.resolve("f.bin").toString(), "int64", "WRITABLE");
        client.assertError("ERR " + extra + " is a directory, not a regular file", "MMAP", "g", extra.toString(), "int64",
                "WRITABLE");
        assertThat(names(outside)).containsExactly("extra");
    }

    @Test
    void aFifoAndADirectoryGetAClearErrorQuicklyWhileOthersAreServed() throws Exception {
        TestServer server = start();
        Process mkfifo = new ProcessBuilder("mkfifo", server.path("fifo").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        Files.createDirectory(server.path("sub"));
        ArrayClient refused = new ArrayClient(server.jedis());
        ArrayClient bystander = new ArrayClient(server.jedis());

        for (String path : List.of("fifo", "sub")) {
            for (List<String> form : List.<List<String>>of(List.of(), List.of("int64"), List.of("int64", "WRITABLE"))) {
                Object[] args = Stream.concat(Stream.of("k", path), form.stream()).toArray();
                long started = System.nanoTime();
                CompletableFuture<String> error = CompletableFuture.supplyAsync(() -> refused.error("MMAP", args));
                for (int i = 0; i < 20; i++) {
                    assertThat(bystander.call("PING")).isEqualTo("PONG");
                }
                assertThat(error.get(1, TimeUnit.SECONDS)).as("MMAP %s %s", path, form)
                        .startsWith("ERR " + path + " is a ").endsWith("not a regular file");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            }
        }
        assertThat(names(server.path("sub"))).isEmpty();
        assertThat(bystander.call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void createdFilesAreOwnerOnlyByDefault() throws Exception {
        TestServer server = start();
        ArrayClient client = new ArrayClient(server.jedis());
        client.call("MMAP", "seed", "seed.bin");
        client.call("MMAP", "typed", "typed.bin", "int32", "WRITABLE");
        assertThat(mode(server.path("seed.bin"))).isEqualTo("rw-------");
        assertThat(mode(server.path("typed.bin"))).isEqualTo("rw-------");
    }

    @Test
    void mmapFileModeSetsTheModeOfCreatedFilesOnly() throws Exception {
        TestServer server = start("--mmap-file-mode", "0640");
        ArrayClient client = new ArrayClient(server.jedis());
        Files.createFile(server.path("existing.bin"));
        Files.setPosixFilePermissions(server.path("existing.bin"), PosixFilePermissions.fromString("rw-rw-rw-"));
        client.call("MMAP", "new", "new.bin", "int64", "WRITABLE");
        client.call("MMAP", "old", "existing.bin", "int64", "WRITABLE");
        assertThat(mode(server.path("new.bin"))).isEqualTo("rw-r-----");
        assertThat(mode(server.path("existing.bin"))).isEqualTo("rw-rw-rw-");
    }

    @Test
    void withoutMmapCreateAMissingFileIsRefusedAndAnExistingOneWorks() throws Exception {
        TestServer server = start("--enable-mmap-create", "no");
        ArrayClient client = new ArrayClient(server.jedis());
        assertThat(client.error("MMAP", "k", "missing.bin", "int64", "WRITABLE")).startsWith("ERR ")
                .contains("missing.bin");
        assertThat(client.error("MMAP", "k", "missing.bin")).startsWith("ERR ").contains("missing.bin");
        assertThat(Files.exists(server.path("missing.bin"))).isFalse();
        assertThat(client.call("DBSIZE")).isEqualTo(0L);

        Files.write(server.path("existing.bin"), ArrayClient.le(8, 1, 2));
        assertThat(client.call("MMAP", "k", "existing.bin", "int64", "WRITABLE")).isEqualTo(2L);
        assertThat(client.call("VADD", "k", 3)).isEqualTo(1L);
        assertThat(ArrayClient.fileBytes(server.path("existing.bin"))).isEqualTo(ArrayClient.le(8, 1, 2, 3));
    }

    @Test
    void requirepassRefusesEveryArrayCommandUntilAuth() throws Exception {
        TestServer server = start("--requirepass", "s3cret");
        Files.write(server.path("a.bin"), ArrayClient.le(8, 5));
        ArrayClient client = new ArrayClient(server.jedis());
        List<String> arrayCommands = CommandTable.standard().all().stream()
                .filter(spec -> spec.group().equals("module")).map(CommandSpec::name).toList();
        assertThat(arrayCommands).contains("mmap", "vget", "vset", "vadd", "vpop", "vclear", "vall", "vwrite");

        for (String name : arrayCommands) {
            client.assertError("NOAUTH Authentication required.", name, "k", "a.bin", "0", "1");
        }
        client.assertError("NOAUTH Authentication required.", "KEYS", "*");
        client.assertError("WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "wrong");
        client.assertError("WRONGPASS invalid username-password pair or user is disabled.",
                "AUTH", "default", "wrong");
        client.assertError("NOAUTH Authentication required.", "VCOUNT", "k");
        assertThat(names(server.dir())).containsExactly("a.bin");
        assertThat(ArrayClient.fileBytes(server.path("a.bin"))).isEqualTo(ArrayClient.le(8, 5));

        assertThat(client.call("AUTH", "s3cret")).isEqualTo("OK");
        assertThat(client.call("MMAP", "k", "a.bin", "int64", "WRITABLE")).isEqualTo(1L);
        assertThat(client.call("VGET", "k", 0)).isEqualTo(5L);
    }

    @Test
    void helloWithAuthAuthenticatesAndAWrongPasswordDoesNot() {
        TestServer server = start("--requirepass", "s3cret");
        try (RawClient wrong = new RawClient(server.port()); RawClient right = new RawClient(server.port())) {
            assertThat(wrong.command("HELLO", "3", "AUTH", "default", "nope").readLine())
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(wrong.command("VCOUNT", "k").readLine()).isEqualTo("-NOAUTH Authentication required.\r\n");

            assertThat(right.command("HELLO", "3", "AUTH", "default", "s3cret").readLine()).isEqualTo("%7\r\n");
            right.command("PING");
            // Skip the rest of the HELLO map: the PONG that follows it marks its end.
            String line;
            do {
                line = right.readLine();
            } while (!line.isEmpty() && !line.equals("+PONG\r\n"));
            assertThat(line).isEqualTo("+PONG\r\n");
            assertThat(right.command("MMAP", "k", "h.bin", "int64", "WRITABLE").readLine()).isEqualTo(":0\r\n");
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}

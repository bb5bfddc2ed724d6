package io.redmap.it;

import io.redmap.server.RedmapServer;
import io.redmap.server.ServerConfig;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SPEC D, paths taken as bytes: a path that is not UTF-8 is refused (never mangled into another
 * name), the empty path and {@code .} are directories, and a start that fails on a path names it.
 */
class PathBytesTest {
    private static final ProtocolCommand MMAP = () -> "MMAP".getBytes(StandardCharsets.US_ASCII);
    /** What a lenient decoder makes of any malformed byte: U+FFFD, three bytes in UTF-8. */
    private static final String REPLACEMENT_FILE = "\uFFFD.bin";

    private TestServer server;
    private Jedis jedis;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
        redis = new ArrayClient(jedis);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aPathThatIsNotUtf8IsRefusedAndNothingIsCreatedOrMapped() throws Exception {
        // The file a mangled name would have opened: it must not be served under another name.
        Files.write(server.path(REPLACEMENT_FILE), ArrayClient.le(8, 42));
        List<String> before = names(server.dir());
        byte[][] paths = {bytes(0xff, '.', 'b', 'i', 'n'), bytes(0xfe, '.', 'b', 'i', 'n'), bytes(0xc0, '.', 'b', 'i', 'n'),
                bytes('a', 0xc0, 0xae, '.', 'b', 'i', 'n'), bytes(0xed, 0xa0, 0x80, '.', 'n', 'p', 'y'),
                bytes('x', 0xe2, 0x82)};
        for (byte[] path : paths) {
            for (List<String> form : List.<List<String>>of(List.of(), List.of("int64"), List.of("uint8", "WRITABLE"),
                    List.of("double", "WRITABLE"))) {
                assertThat(mmapError(path, form)).as("MMAP k %s %s", Arrays.toString(path), form)
                        .isEqualTo("ERR path must be valid UTF-8");
            }
        }
        assertThat(names(server.dir())).isEqualTo(before);
        assertThat(ArrayClient.fileBytes(server.path(REPLACEMENT_FILE))).isEqualTo(ArrayClient.le(8, 42));
        assertThat(redis.call("DBSIZE")).isEqualTo(0L);
        assertThat(redis.call("INFO", "mmap").toString()).contains("files_open:0");
    }

    @Test
    void aUtf8PathIsTheFileOfThatName() throws Exception {
        byte[] name = "é€𝄞.bin".getBytes(StandardCharsets.UTF_8);
        assertThat(mmap(name, List.of("int64", "WRITABLE"))).isEqualTo(0L);
        assertThat(redis.call("VADD", "k", 7)).isEqualTo(1L);
        assertThat(ArrayClient.fileBytes(server.path("é€𝄞.bin"))).isEqualTo(ArrayClient.le(8, 7));
        assertThat(redis.call("VFILEPATH", "k")).isEqualTo("é€𝄞.bin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "./", "sub/.."})
    void theEmptyPathAndDotAreDirectories(String path) throws Exception {
        List<String> before = names(server.dir());
        for (List<String> form : List.<List<String>>of(List.of(), List.of("int64"), List.of("int64", "WRITABLE"))) {
            String error = mmapError(path.getBytes(StandardCharsets.UTF_8), form);
            assertThat(error).as("MMAP k '%s' %s", path, form).startsWith("ERR ").contains("is a directory");
        }
        assertThat(names(server.dir())).isEqualTo(before);
        assertThat(redis.call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void aStartThatFailsOnACatalogueThatIsADirectoryNamesIt() throws Exception {
        Path dir = Files.createTempDirectory("redmap-start");
        try {
            Path catalogue = Files.createDirectory(dir.resolve("dump.rdb"));
            assertThatThrownBy(() -> startServer(dir, "--dbfilename", "dump.rdb"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(catalogue.toString()).hasMessageContaining("Is a directory");
            Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
            assertThatThrownBy(() -> startServer(notADirectory))
                    .isInstanceOf(IOException.class).hasMessageContaining(notADirectory.toString());
            assertThat(Files.readString(notADirectory)).isEqualTo("x");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void startServer(Path dir, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        args.addAll(List.of(options));
        RedmapServer.start(ServerConfig.fromArgs(args.toArray(String[]::new))).close();
    }

    private Object mmap(byte[] path, List<String> form) {
        List<byte[]> args = new ArrayList<>(List.of("k".getBytes(StandardCharsets.US_ASCII), path));
        form.forEach(word -> args.add(word.getBytes(StandardCharsets.US_ASCII)));
        return jedis.sendCommand(MMAP, args.toArray(byte[][]::new));
    }

    private String mmapError(byte[] path, List<String> form) {
        JedisDataException e = catchThrowableOfType(JedisDataException.class, () -> mmap(path, form));
        assertThat(e).as("MMAP must be refused").isNotNull();
        return e.getMessage();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

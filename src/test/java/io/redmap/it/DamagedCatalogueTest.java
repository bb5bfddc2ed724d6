package io.redmap.it;

import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC D: "a damaged catalogue stops the start with a message naming the damaged lines and keeps
 * the file as it is; {@code catalogue-load-damaged yes} starts with the readable entries and keeps
 * a copy of the damaged file beside it". Real server processes on a real catalogue.
 */
class DamagedCatalogueTest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Starts a server, maps three keys, stops it: the catalogue then has a header and three lines. */
    private Path catalogueOfThreeKeys() throws IOException {
        for (String name : List.of("a", "b", "c")) {
            Files.write(dir.resolve(name + ".bin"), new byte[8]);
        }
        try (ServerProcess server = ServerProcess.start(dir); Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            ArrayClient client = new ArrayClient(jedis);
            for (String name : List.of("a", "b", "c")) {
                assertThat(client.call("MMAP", name, name + ".bin", "double", "WRITABLE")).isEqualTo(1L);
            }
            assertThat(server.terminate()).isIn(0, 143);
        }
        return dir.resolve("redmap.catalog");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"one bad checksum", "random bytes", "empty file", "cut short"})
    void aDamagedCatalogueStopsTheStartNamingTheLineAndIsLeftAsItIs(String damage) throws Exception {
        Path catalogue = catalogueOfThreeKeys();
        byte[] whole = Files.readAllBytes(catalogue);
        String expected = switch (damage) {
            case "one bad checksum" -> {
                Files.write(catalogue, withBadChecksum(whole, 2));
                yield "line 3: checksum mismatch";
            }
            case "random bytes" -> {
                byte[] random = new byte[4096];
                new Random(42).nextBytes(random);
                Files.write(catalogue, random);
                yield "line 1: not a redmap catalogue header";
            }
            case "empty file" -> {
                Files.write(catalogue, new byte[0]);
                yield "line 1: the file is empty (0 bytes)";
            }
            default -> {
                Files.write(catalogue, java.util.Arrays.copyOf(whole, whole.length - 5));
                yield "line 4: cut short (the file does not end with a newline)";
            }
        };
        byte[] damaged = Files.readAllBytes(catalogue);

        try (ServerProcess server = ServerProcess.launch(dir)) {
            assertThat(server.awaitExit(EXIT_TIMEOUT)).as("exit status; log:%n%s", server.log()).isNotZero();
            assertThat(server.log()).contains("Failed to start: the keyspace catalogue " + catalogue + " is damaged: ")
                    .contains(expected).contains("'catalogue-load-damaged yes'")
                    .doesNotContain("Ready to accept connections");
        }
        assertThat(Files.readAllBytes(catalogue)).as("the damaged catalogue, after the refused start").isEqualTo(damaged);
        assertThat(damagedCopies()).isEmpty();
    }

    @Test
    void catalogueLoadDamagedStartsWithTheReadableEntriesAndKeepsACopy() throws Exception {
        Path catalogue = catalogueOfThreeKeys();
        byte[] whole = Files.readAllBytes(catalogue);
        String lost = keyOnLine(whole, 2);
        Files.write(catalogue, withBadChecksum(whole, 2));
        byte[] damaged = Files.readAllBytes(catalogue);

        try (ServerProcess server = ServerProcess.start(dir, "--catalogue-load-damaged", "yes");
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            List<Path> copies = damagedCopies();
            assertThat(copies).hasSize(1);
            assertThat(Files.readAllBytes(copies.getFirst())).as("the copy").isEqualTo(damaged);
            server.awaitLog(Pattern.compile(Pattern.quote("a copy of it is kept as " + copies.getFirst())), EXIT_TIMEOUT);
            assertThat(server.log()).contains("catalogue: line 3: checksum mismatch");

            TreeSet<String> expected = new TreeSet<>(List.of("a", "b", "c"));
            expected.remove(lost);
            assertThat(new TreeSet<>(jedis.keys("*"))).isEqualTo(expected);
            assertThat(server.terminate()).isIn(0, 143);
        }
        // Started with what could be read, the catalogue was rewritten: a plain start loads it as is.
        try (ServerProcess server = ServerProcess.start(dir); Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertThat(jedis.dbSize()).isEqualTo(2L);
            assertThat(server.log()).doesNotContain("catalogue: ");
            assertThat(server.terminate()).isIn(0, 143);
        }
        assertThat(damagedCopies()).hasSize(1);
    }

    /** The catalogue with the first hex digit of line {@code index}'s checksum changed (index 0 is the header). */
    private static byte[] withBadChecksum(byte[] catalogue, int index) {
        List<String> lines = new ArrayList<>(new String(catalogue, StandardCharsets.ISO_8859_1).lines().toList());
        String line = lines.get(index);
        lines.set(index, (line.charAt(0) == '0' ? '1' : '0') + line.substring(1));
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String keyOnLine(byte[] catalogue, int index) {
        String line = new String(catalogue, StandardCharsets.ISO_8859_1).lines().toList().get(index);
        return new String(HexFormat.of().parseHex(line.split(" ")[6]), StandardCharsets.UTF_8);
    }

    private List<Path> damagedCopies() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> path.getFileName().toString().startsWith("redmap.catalog.damaged-")).toList();
        }
    }
}

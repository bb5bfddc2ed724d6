package io.redmap.server;

import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/redmap-server and its AOT cache: the server starts and serves with no cache, with one it
 * trains, with a cache that is not one (ignored, and no message of the JVM about it in the
 * server's output), and with one older than the build (trained again). The launcher runs from a
 * tree of its own: bin/ copied from this project, target/redmap.jar assembled from the compiled
 * classes (with target/lib beside it), and sources older than the jar, so that it builds nothing.
 */
class LauncherTest {
    private static final Duration TRAINING = Duration.ofMinutes(3);

    @TempDir
    Path root;
    @TempDir
    Path dir;

    @Test
    void startsAndServesWithoutTheCacheWhenItIsTurnedOff() throws IOException {
        Path launcher = tree();
        try (ServerProcess server = ServerProcess.startLauncher(launcher, env("REDMAP_AOT", "no"), dir, TRAINING)) {
            assertServes(server);
            assertThat(server.log()).doesNotContain("training").doesNotContain("[aot]").doesNotContain("[error");
        }
        assertThat(root.resolve("target/redmap.aot")).doesNotExist();
    }

    @Test
    void trainsTheCacheIgnoresADamagedOneAndRetrainsAStaleOne() throws IOException {
        Path launcher = tree();
        Path cache = root.resolve("target/redmap.aot");
        Map<String, String> env = env("REDMAP_JAVA_OPTS", "-Dredmap.aot.phaseMillis=100");

        try (ServerProcess server = ServerProcess.startLauncher(launcher, env, dir, TRAINING)) {
            assertServes(server);
            assertThat(server.log()).contains("training the AOT cache");
        }
        assertThat(cache).isRegularFile();
        assertThat(Files.size(cache)).isGreaterThan(1 << 20);

        // Damaged but newer than the jar, with the right key: the launcher passes it, the JVM refuses it quietly.
        byte[] garbage = new byte[4096];
        new java.util.Random(1).nextBytes(garbage);
        Files.write(cache, garbage);
        try (ServerProcess server = ServerProcess.startLauncher(launcher, env, dir, TRAINING)) {
            assertServes(server);
            assertThat(server.log()).doesNotContain("training").doesNotContain("[aot]").doesNotContain("[warning")
                    .doesNotContain("[error");
        }

        // Older than the jar (a new build): trained again, and the new cache is a real one.
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(3600)));
        try (ServerProcess server = ServerProcess.startLauncher(launcher, env, dir, TRAINING)) {
            assertServes(server);
            assertThat(server.log()).contains("training the AOT cache");
        }
        assertThat(Files.size(cache)).isGreaterThan(1 << 20);
        assertThat(Files.getLastModifiedTime(cache).toInstant()).isAfter(Instant.now().minusSeconds(600));
    }

    /**
     * REDMAP_VECTOR_API=no: no incubator module in the JVM, a cache of its own beside the default
     * one, and in it classes linked ahead of time (which an incubator module prevents, and without
     * which the JVM stores no method profiles); VAGG sums with its plain loops, to the same value.
     */
    @Test
    void withoutTheVectorApiTrainsACacheOfItsOwnWithLinkedClasses() throws IOException {
        Path launcher = tree();
        Path aotLog = root.resolve("aot.log");
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "REDMAP_VECTOR_API", "no",
                // a file output is not turned off by the launcher's -Xlog:aot=off (standard output only)
                "REDMAP_JAVA_OPTS", "-Dredmap.aot.phaseMillis=100 -Xlog:aot=info:file=" + aotLog);

        try (ServerProcess server = ServerProcess.startLauncher(launcher, env, dir, TRAINING)) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                mapThousandDoubles(jedis);
                // 0.25 * (0 + 1 + ... + 999)
                assertThat(new String((byte[]) call(jedis, "VAGG", "k", "SUM"), StandardCharsets.UTF_8)).isEqualTo("124875");
            }
            server.terminate();
            assertThat(server.log()).contains("training the AOT cache (target/redmap-novector.aot")
                    .doesNotContain("incubator").doesNotContain("[error");
        }
        assertThat(root.resolve("target/redmap-novector.aot")).isRegularFile();
        assertThat(root.resolve("target/redmap.aot")).doesNotExist();
        // The server's own JVM wrote this file last: it started with the cache, its classes linked.
        assertThat(Files.readString(aotLog)).contains("Using AOT-linked classes: true");
    }

    /** A key mapped and read back, twice in a row on the same directory: the catalogue is loaded at each start. */
    private void assertServes(ServerProcess server) throws IOException {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            mapThousandDoubles(jedis);
        }
        server.terminate();
    }

    /** Maps k (1000 doubles, i / 4) unless the catalogue already brought it, and reads it back. */
    private void mapThousandDoubles(Jedis jedis) throws IOException {
        Path file = dir.resolve("k.f8");
        if (!Files.exists(file)) {
            ByteBuffer values = ByteBuffer.allocate(8 * 1000).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 1000; i++) {
                values.putDouble(i * 0.25);
            }
            Files.write(file, values.array());
        }
        assertThat(jedis.ping()).isEqualTo("PONG");
        if (jedis.exists("k")) {
            assertThat(call(jedis, "VCOUNT", "k")).isEqualTo(1000L);
        } else {
            assertThat(call(jedis, "MMAP", "k", "k.f8", "double")).isEqualTo(1000L);
        }
        assertThat(new String((byte[]) call(jedis, "VGET", "k", "999"), StandardCharsets.UTF_8)).isEqualTo("249.75");
    }

    private static Object call(Jedis jedis, String name, String... args) {
        ProtocolCommand command = () -> name.getBytes(StandardCharsets.UTF_8);
        return jedis.sendCommand(command, args);
    }

    private Map<String, String> env(String name, String value) {
        return Map.of("JAVA_HOME", System.getProperty("java.home"), name, value);
    }

    /** The launcher's tree: bin/, target/redmap.jar (+ lib/), and an empty src/main and pom.xml older than the jar. */
    private Path tree() throws IOException {
        Path project = Path.of(System.getProperty("user.dir"));
        Files.createDirectories(root.resolve("bin"));
        for (String script : List.of("redmap-server", "find-java")) {
            Files.copy(project.resolve("bin").resolve(script), root.resolve("bin").resolve(script),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createDirectories(root.resolve("src/main"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        FileTime old = FileTime.from(Instant.now().minusSeconds(7200));
        Files.setLastModifiedTime(root.resolve("src/main"), old);
        Files.setLastModifiedTime(root.resolve("pom.xml"), old);

        Path lib = Files.createDirectories(root.resolve("target/lib"));
        Path classes = null;
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (entry.endsWith(".jar")) {
                Files.copy(path, lib.resolve(path.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                jars.add("lib/" + path.getFileName());
            } else if (Files.exists(path.resolve("io/redmap/server/Main.class"))) {
                classes = path;
            }
        }
        assertThat(classes).as("the compiled server classes on the class path").isNotNull();
        writeJar(classes, root.resolve("target/redmap.jar"), String.join(" ", jars));
        return root.resolve("bin/redmap-server");
    }

    private static void writeJar(Path classes, Path jar, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.redmap.server.Main");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Path file : files) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
    }
}

package io.redmap.docs;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pages under {@code docs/} cannot drift from the server: for each page, every
 * {@code ```python} block runs with {@code /usr/bin/python3} against a fresh server (environment
 * {@code REDMAP_PORT} and {@code REDMAP_DIR}) and must exit 0, and the page's one {@code ```java}
 * block must be, line for line, the whole source file of its example class, which runs too.
 * Python tests are skipped only when {@code /usr/bin/python3} cannot import redis and numpy
 * (Debian's python3-redis and python3-numpy).
 */
class DocsExamplesTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long PYTHON_TIMEOUT_SECONDS = 300;
    /** Every page, in the README's order. A page under docs/ that is not here fails the build. */
    private static final List<String> PAGES = List.of("rows.md", "numpy.md", "ranges-and-binary.md",
            "atomics-and-aggregation.md", "durability.md", "half-precision.md", "security.md", "python.md");
    /** Pages of PAGES about the Python client, with no Java example (its Sentinel and cluster blocks run in clients/python/tests). */
    private static final List<String> PYTHON_ONLY = List.of("python.md");
    /**
     * Pages whose examples need more than one fresh server, each run by its own test class
     * (replication.md: a master and Sentinels, {@link SentinelDocsTest}); they too must be linked
     * from the README.
     */
    private static final List<String> PAGES_TESTED_ELSEWHERE = List.of("replication.md", "cluster.md",
            "observability.md", "java.md", // java.md: the client's JavaDocsTest (client/)
            "operations.md"); // operations.md: its launcher, with and without the AOT cache, in io.redmap.server.LauncherTest
    static final Path ROOT = projectRoot();
    private static Boolean pythonReady;

    /** What the docs' Java examples are: {@code static void run(int port, Path dir)}. */
    @FunctionalInterface
    interface Example {
        void run(int port, Path dir) throws Exception;
    }

    @Test
    void rowsPython() {
        runPython("rows.md");
    }

    @Test
    void rowsJava() {
        runJava("rows.md", RowsExample.class, RowsExample::run);
    }

    @Test
    void numpyPython() {
        runPython("numpy.md");
    }

    @Test
    void numpyJava() {
        runJava("numpy.md", NumpyExample.class, NumpyExample::run);
    }

    @Test
    void rangesAndBinaryPython() {
        runPython("ranges-and-binary.md");
    }

    @Test
    void rangesAndBinaryJava() {
        runJava("ranges-and-binary.md", RangesAndBinaryExample.class, RangesAndBinaryExample::run);
    }

    @Test
    void atomicsAndAggregationPython() {
        runPython("atomics-and-aggregation.md");
    }

    @Test
    void atomicsAndAggregationJava() {
        runJava("atomics-and-aggregation.md", AtomicsAndAggregationExample.class, AtomicsAndAggregationExample::run);
    }

    @Test
    void durabilityPython() {
        runPython("durability.md");
    }

    @Test
    void durabilityJava() {
        runJava("durability.md", DurabilityExample.class, DurabilityExample::run);
    }

    @Test
    void halfPrecisionPython() {
        runPython("half-precision.md");
    }

    @Test
    void halfPrecisionJava() {
        runJava("half-precision.md", HalfPrecisionExample.class, HalfPrecisionExample::run);
    }

    @Test
    void securityPython() {
        runPython("security.md");
    }

    @Test
    void securityJava() {
        runJava("security.md", AclExample.class, AclExample::run);
    }

    @Test
    void pythonClientPython() {
        runPython("python.md");
    }

    @Test
    void everyPageIsTestedAndListedInTheReadme() throws IOException {
        List<String> onDisk;
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            // benchmarks.md is the benchmark harness's report (bench/run), not a feature page.
            onDisk = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".md") && !name.equals("benchmarks.md")).sorted().toList();
        }
        List<String> tested = new ArrayList<>(PAGES);
        tested.addAll(PAGES_TESTED_ELSEWHERE);
        assertThat(onDisk).as("pages under docs/ (each needs its tests here)").containsExactlyInAnyOrderElementsOf(tested);
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String page : tested) {
            assertThat(readme).as("README.md links to docs/%s", page).contains("(docs/" + page + ")");
        }
        for (String page : PAGES) {
            assertThat(blocks(page, "python")).as("```python blocks in %s", page).isNotEmpty();
            assertThat(blocks(page, "java")).as("```java blocks in %s", page).hasSize(PYTHON_ONLY.contains(page) ? 0 : 1);
        }
    }

    /** Runs the page's ```python blocks, in order, against one fresh server. */
    private static void runPython(String page) {
        assumeTrue(pythonReady(), PYTHON + " cannot import redis and numpy (apt-get install python3-redis python3-numpy)");
        List<String> scripts = blocks(page, "python");
        assertThat(scripts).as("```python blocks in %s", page).isNotEmpty();
        Path work = tempDir();
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < scripts.size(); i++) {
                // Not named like a module (numpy.py would shadow numpy): page_1.py, page_2.py...
                Path script = work.resolve(page.replace(".md", "").replace('-', '_') + "_" + (i + 1) + ".py");
                Files.writeString(script, scripts.get(i));
                runScript(page, i + 1, script, server);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    private static void runScript(String page, int block, Path script, TestServer server) throws IOException {
        Path stdout = script.resolveSibling(script.getFileName() + ".out");
        Path stderr = script.resolveSibling(script.getFileName() + ".err");
        ProcessBuilder builder = new ProcessBuilder(PYTHON, script.toString())
                .directory(script.getParent().toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("REDMAP_PORT", String.valueOf(server.port()));
        builder.environment().put("REDMAP_DIR", server.dir().toString());
        // The Python client (docs/python.md), importable as `redmap` without installing it.
        builder.environment().put("PYTHONPATH", ROOT.resolve("clients/python/src").toString());
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!finished) {
            process.destroyForcibly();
            fail("python block %d of docs/%s did not finish in %d s; stderr:%n%s", block, page, PYTHON_TIMEOUT_SECONDS,
                    Files.readString(stderr));
        }
        if (process.exitValue() != 0) {
            fail("python block %d of docs/%s exited with %d; stderr:%n%s%nstdout:%n%s", block, page, process.exitValue(),
                    Files.readString(stderr), Files.readString(stdout));
        }
    }

    /** Checks that the page's ```java block is the example's source file, then runs the example. */
    static void runJava(String page, Class<?> exampleClass, Example example) {
        Path source = ROOT.resolve("src/test/java").resolve(exampleClass.getName().replace('.', '/') + ".java");
        List<String> java = blocks(page, "java");
        assertThat(java).as("```java blocks in docs/%s (exactly one: the whole of %s)", page, source).hasSize(1);
        requireSame(page, java.getFirst(), ROOT.relativize(source), normalise(read(source)));
        try (TestServer server = TestServer.start()) {
            example.run(server.port(), server.dir());
        } catch (Exception e) {
            throw new AssertionError(exampleClass.getSimpleName() + " failed: " + e, e);
        }
    }

    /** Fails at the first line where the page's block and the source file differ. */
    private static void requireSame(String page, String block, Path source, String code) {
        String[] blockLines = block.split("\n", -1);
        String[] codeLines = code.split("\n", -1);
        for (int i = 0; i < Math.max(blockLines.length, codeLines.length); i++) {
            String inPage = i < blockLines.length ? blockLines[i] : "(end of block)";
            String inSource = i < codeLines.length ? codeLines[i] : "(end of file)";
            if (!inPage.equals(inSource)) {
                fail("the ```java block of docs/%s must be the whole of %s; line %d differs:%n  page:   %s%n  source: %s",
                        page, source, i + 1, inPage, inSource);
            }
        }
    }

    /**
     * The contents of the page's fenced blocks of a language: the lines between a line that is
     * exactly {@code ```language} and the next line that is exactly {@code ```}, each block ending with a newline.
     */
    static List<String> blocks(String page, String language) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        int lineNumber = 0;
        for (String line : normalise(read(ROOT.resolve("docs").resolve(page))).split("\n", -1)) {
            lineNumber++;
            if (current == null) {
                if (line.equals("```" + language)) {
                    current = new StringBuilder();
                }
            } else if (line.equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else {
                current.append(line).append('\n');
            }
        }
        assertThat(current).as("docs/%s: a ```%s block is not closed (%d lines read)", page, language, lineNumber).isNull();
        return blocks;
    }

    static String normalise(String text) {
        String unix = text.replace("\r\n", "\n");
        return unix.endsWith("\n") ? unix : unix + "\n";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized boolean pythonReady() {
        if (pythonReady == null) {
            try {
                Process process = new ProcessBuilder(PYTHON, "-c", "import redis, numpy").redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                pythonReady = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                pythonReady = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return pythonReady;
    }

    /** The checkout: the first directory upward from the working directory with pom.xml and docs/. */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml with docs/ above " + Path.of("").toAbsolutePath());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("redmap-docs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory is not a test failure.
        }
    }
}

package io.redmap.docs;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sections of {@code docs/observability.md} that a plain server can show cannot drift: their
 * {@code ```python} blocks run, in order, against one fresh server. The page's other sections
 * (the exporter...) need other processes and have their own tests.
 */
class ObservabilityDocsTest {
    private static final String PAGE = "observability.md";
    private static final List<String> SECTIONS = List.of("## INFO", "## Memory", "## Keys");

    @Test
    void examplesOfTheSectionsRun() throws Exception {
        assumeTrue(DocsExamplesTest.pythonReady(), "/usr/bin/python3 cannot import redis and numpy");
        List<String> scripts = new ArrayList<>();
        for (String section : SECTIONS) {
            List<String> blocks = blocksOfSection(section);
            assertThat(blocks).as("```python blocks in the section '%s' of docs/%s", section, PAGE).isNotEmpty();
            scripts.addAll(blocks);
        }
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < scripts.size(); i++) {
                Path script = server.dir().resolve("observability_" + (i + 1) + ".py");
                Files.writeString(script, scripts.get(i));
                ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true);
                builder.environment().put("REDMAP_PORT", String.valueOf(server.port()));
                builder.environment().put("REDMAP_DIR", server.dir().toString());
                Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("python block %d of docs/%s:%n%s", i + 1, PAGE, output).isZero();
            }
        }
    }

    /** The ```python blocks between a section's heading and the next heading of its level. */
    private static List<String> blocksOfSection(String heading) throws IOException {
        String page = DocsExamplesTest.normalise(Files.readString(DocsExamplesTest.ROOT.resolve("docs").resolve(PAGE)));
        int start = page.indexOf("\n" + heading + "\n");
        assertThat(start).as("docs/%s has a section '%s'", PAGE, heading).isNotNegative();
        int end = page.indexOf("\n## ", start + 1);
        String section = page.substring(start, end < 0 ? page.length() : end);
        List<String> blocks = new ArrayList<>();
        String[] parts = section.split("\n```python\n", -1);
        for (int i = 1; i < parts.length; i++) {
            int close = parts[i].indexOf("\n```\n");
            assertThat(close).as("a ```python block of '%s' is closed", heading).isNotNegative();
            blocks.add(parts[i].substring(0, close + 1));
        }
        return blocks;
    }
}

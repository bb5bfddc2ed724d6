package io.redmap.docs;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the ```python blocks of docs/observability.md's "## INFO" section against a fresh server
 * (the page's other sections are run by the tests of their own features).
 */
class ObservabilityDocsTest {
    @Test
    void infoSectionExamplesRun() throws Exception {
        assumeTrue(DocsExamplesTest.pythonReady(), "/usr/bin/python3 cannot import redis and numpy");
        List<String> blocks = DocsExamplesTest.blocks("observability.md", "python");
        String page = Files.readString(DocsExamplesTest.ROOT.resolve("docs/observability.md"));
        int start = page.indexOf("\n## INFO\n");
        int end = page.indexOf("\n## ", start + 1);
        String section = page.substring(start, end < 0 ? page.length() : end);
        List<String> mine = blocks.stream().filter(block -> section.contains(block.strip())).toList();
        assertThat(mine).as("```python blocks of ## INFO").isNotEmpty();
        Path dir = Files.createTempDirectory("observability-docs");
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < mine.size(); i++) {
                Path script = dir.resolve("info_" + (i + 1) + ".py");
                Files.writeString(script, mine.get(i));
                ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true);
                builder.environment().put("REDMAP_PORT", Integer.toString(server.port()));
                builder.environment().put("REDMAP_DIR", server.dir().toString());
                Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes());
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("%s:\n%s", script.getFileName(), output).isZero();
            }
        }
    }
}

package io.redmap.client.docs;

import io.redmap.client.testing.RedmapServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/java.md cannot drift from the client: its one {@code ```java} block must be, line for
 * line, the whole of {@link JavaExample}'s source file, which runs here against a real server.
 */
class JavaDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("redmap.root", ".."));

    @Test
    void thePagesExampleIsThisSourceFileAndRuns() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/java.md"));
        Path source = ROOT.resolve("client/src/test/java/io/redmap/client/docs/JavaExample.java");
        List<String> blocks = blocks(page, "java");
        assertThat(blocks).as("```java blocks in docs/java.md (exactly one: the whole of %s)", source).hasSize(1);
        assertThat(blocks.getFirst()).as("docs/java.md's java block").isEqualTo(Files.readString(source));
        try (RedmapServer server = RedmapServer.start()) {
            JavaExample.run(server.port());
        }
    }

    /** The bodies of the page's fenced blocks tagged {@code language}, each ending with a newline. */
    static List<String> blocks(String page, String language) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : page.split("\n", -1)) {
            if (block == null && line.equals("```" + language)) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }
}

package io.redmap.it;

import io.redmap.command.CommandSpec;
import io.redmap.command.CommandTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails when a command of the table lacks metadata or a test (as Garnet's coverage tests do).
 *
 * <p>A command counts as tested when a test class (a file named {@code *Test.java} under
 * src/test/java, this one excepted) sends it. Comments and prose do not count, because names
 * such as TYPE, INFO or TIME are common words. What counts:
 * <ul>
 *   <li>a top-level command: its name as the first word of a string literal ({@code "VGET"},
 *       {@code "vadd db 0.1"}, a text block line, or a RESP line {@code "$4\r\nVGET\r\n"}), or as a
 *       method called on a client ({@code jedis.dbSize(}, {@code sync.type(}, {@code server.jedis().ping(}),
 *       not on anything ({@code catalogue.save(} is no SAVE); "CLIENT INFO" does not count for INFO;</li>
 *   <li>a subcommand: the parent name followed, within a few non-word characters, by the subcommand
 *       name ({@code "CONFIG GET"}, {@code "config", "get"}, {@code configGet(}, {@code clientNoEvictOn(}).</li>
 * </ul>
 */
class CommandCoverageTest {
    /** Character literals (matched so that {@code '"'} does not open a string), text blocks, strings. */
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^'\\\\\\n]|\\\\.)+'|\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    /** What a Redis client is called in tests: {@code jedis}, {@code sync}, {@code server.jedis()}, {@code redisClient}... */
    private static final String CLIENT_RECEIVER = "\\w*(?:jedis|redis|lettuce|sync|client|conn|command|cli)\\w*(?:\\(\\))?";

    private static List<CommandSpec> commands;
    private static Map<Path, String> testSources;

    @BeforeAll
    static void load() throws IOException {
        commands = new ArrayList<>();
        for (CommandSpec spec : CommandTable.standard().all()) {
            commands.add(spec);
            commands.addAll(spec.subcommands());
        }
        Path root = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "test", "java");
        testSources = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(CommandCoverageTest::isTestClass).forEach(file -> testSources.put(file, read(file)));
        }
    }

    @Test
    void theTableIsWhatTheServerRuns() {
        assertThat(commands).extracting(CommandSpec::name)
                .contains("mmap", "vget", "vadd", "del", "rename", "config", "config|get", "client|list", "shutdown")
                .doesNotHaveDuplicates();
        assertThat(testSources).as("test classes found under src/test/java").hasSizeGreaterThan(3);
    }

    @Test
    void everyCommandHasMetadata() {
        List<String> problems = new ArrayList<>();
        for (CommandSpec spec : commands) {
            if (spec.summary() == null || spec.summary().isBlank()) {
                problems.add(spec.name() + ": no summary");
            }
            if (spec.group() == null || spec.group().isBlank()) {
                problems.add(spec.name() + ": no group");
            }
            if (spec.arity() == 0) {
                problems.add(spec.name() + ": arity 0");
            }
            if (!spec.isContainer() && spec.handler() == null) {
                problems.add(spec.name() + ": no handler");
            }
        }
        assertThat(problems).as("commands with incomplete metadata").isEmpty();
    }

    @Test
    void everyCommandIsSentByATest() {
        List<String> untested = new ArrayList<>();
        for (CommandSpec spec : commands) {
            if (!spec.isContainer() && !testedAnywhere(spec)) {
                untested.add(spec.name());
            }
        }
        for (CommandSpec spec : commands) {
            // A container is tested through its subcommands; one with none of them tested is reported once.
            if (spec.isContainer() && spec.subcommands().stream().noneMatch(CommandCoverageTest::testedAnywhere)
                    && !testedAnywhere(spec)) {
                untested.add(spec.name());
            }
        }
        assertThat(untested).as("commands no test class sends (rule: see CommandCoverageTest's javadoc)").isEmpty();
    }

    private static boolean testedAnywhere(CommandSpec spec) {
        return testSources.values().stream().anyMatch(source -> mentions(source, spec.name()));
    }

    /** Whether a test source sends the command {@code name} ({@code "vget"} or {@code "config|get"}). */
    static boolean mentions(String source, String name) {
        int bar = name.indexOf('|');
        if (bar >= 0) {
            Pattern pair = Pattern.compile("(?<![\\w-])" + wordPattern(name.substring(0, bar)) + "\\W{0,6}"
                    + wordPattern(name.substring(bar + 1)) + "(?-i:(?![a-z0-9_-]))", Pattern.CASE_INSENSITIVE);
            return pair.matcher(source).find();
        }
        // First word of a literal, of a line of a text block, or after a RESP line end written as \\n.
        Pattern word = Pattern.compile("(?:^\"+\\s*|\\\\n|\n\\s*)" + wordPattern(name) + "(?![\\w-])",
                Pattern.CASE_INSENSITIVE);
        var literals = STRING_LITERAL.matcher(source);
        while (literals.find()) {
            if (word.matcher(literals.group()).find()) {
                return true;
            }
        }
        return Pattern.compile(CLIENT_RECEIVER + "\\s*\\.\\s*" + wordPattern(name) + "\\s*\\(", Pattern.CASE_INSENSITIVE)
                .matcher(source).find();
    }

    /** A command word as a regex; a dash may be written as nothing or an underscore ({@code noEvict}, {@code NO_EVICT}). */
    private static String wordPattern(String word) {
        return Pattern.quote(word).replace("-", "\\E[-_]?\\Q");
    }

    private static boolean isTestClass(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith("Test.java") || name.endsWith("Tests.java") || name.endsWith("IT.java"))
                && !name.equals(CommandCoverageTest.class.getSimpleName() + ".java");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theRuleRecognisesCommandsAndIgnoresProse() {
        assertThat(mentions("jedis.sendCommand(cmd(\"VGET\"), \"k\", \"1\");", "vget")).isTrue();
        assertThat(mentions("cli(server, \"vadd db 0.1\")", "vadd")).isTrue();
        assertThat(mentions("assertThat(jedis.dbSize()).isZero();", "dbsize")).isTrue();
        assertThat(mentions("// the type of the key", "type")).isFalse();
        assertThat(mentions("catalogue.save(entries);", "save")).isFalse();
        assertThat(mentions("connection.sync().type(\"k\")", "type")).isTrue();
        assertThat(mentions("\"VGETX\"", "vget")).isFalse();
        assertThat(mentions("\"CLIENT INFO\"", "info")).isFalse();
        assertThat(mentions("send(\"*2\\r\\n$4\\r\\nPING\\r\\n\")", "ping")).isTrue();
        assertThat(mentions("send(\"PING\\r\\n\")", "ping")).isTrue();
        assertThat(mentions("\"\"\"\n    MULTI\n    EXEC\n    \"\"\"", "exec")).isTrue();
        assertThat(mentions("call(\"CONFIG\", \"GET\", \"port\")", "config|get")).isTrue();
        assertThat(mentions("jedis.configSet(\"timeout\", \"0\")", "config|set")).isTrue();
        assertThat(mentions("\"CLIENT NO-EVICT ON\"", "client|no-evict")).isTrue();
        assertThat(mentions("jedis.clientNoEvictOn()", "client|no-evict")).isTrue();
        assertThat(mentions("jedis.configGetter()", "config|get")).isFalse();
        assertThat(mentions("\"CONFIG\" ... many words later ... \"GET\"", "config|get")).isFalse();
    }
}

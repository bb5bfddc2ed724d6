package io.redmap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CONFIG REWRITE: writes a configuration's current values into its file, keeping the file's
 * comments and layout, and replaces the file atomically.
 */
final class ConfigRewrite {
    private ConfigRewrite() {
    }

    /**
     * Rewrites {@code file} with {@code config}'s values; options changed from their default and
     * not in the file are appended, except those that an {@code include}d file gave.
     */
    static void rewrite(ServerConfig config, Path file, Set<String> fromIncludedFiles) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        List<String> out = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (String line : lines) {
            List<String> words = line.strip().startsWith("#") ? List.of() : ConfigLine.split(line.strip());
            String name = words.isEmpty() ? null : ServerConfig.canonicalName(words.getFirst());
            if (name != null && ServerConfig.exists(name)) {
                if (written.add(name)) {
                    addLine(out, directive(name, config.get(name)));
                }
            } else {
                out.add(line);
            }
        }
        for (ConfigOption option : ServerConfig.options()) {
            if (!written.contains(option.name()) && !fromIncludedFiles.contains(option.name())
                    && !config.get(option.name()).equals(option.defaultValue())) {
                addLine(out, directive(option.name(), config.get(option.name())));
            }
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, out, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A line of the rewritten file; {@code replicaof host port} is written as Redis writes it,
     * unquoted, and not at all on a master (the empty string: no line).
     */
    private static String directive(String name, String value) {
        if (name.equals("replicaof")) {
            return value.isEmpty() ? "" : name + " " + value;
        }
        if (ServerConfig.option(name).isList()) {
            return value.lines().map(line -> name + " " + line).collect(Collectors.joining("\n"));
        }
        return name + " " + quote(value);
    }

    private static void addLine(List<String> out, String line) {
        if (!line.isEmpty()) {
            out.add(line);
        }
    }

    private static String quote(String value) {
        return value.isEmpty() || value.contains(" ") ? "\"" + value.replace("\"", "\\\"") + "\"" : value;
    }
}

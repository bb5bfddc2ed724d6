package io.redmap.acl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aclfile: one {@code user <name> <rules>} line per user. Loading reads the whole file and
 * refuses all of it if one line is bad (Redis's ACL LOAD: nothing changes, every bad line is
 * named); saving writes a temporary file, syncs it, renames it over the old one and syncs the
 * directory, so that a crash leaves the old file or the new one, never half of one.
 */
public final class AclFile {
    private AclFile() {
    }

    /** A refused file: Redis's one-line description of every problem found. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads and checks the file; {@code shownName} is the name the errors use (the aclfile option as given).
     *
     * @return every user of the file with its rules, in file order
     */
    public static Map<String, UserRules> read(Path file, String shownName, Acl acl) throws Refused {
        List<String> lines;
        try {
            lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            throw new Refused("Error loading ACLs, opening file '" + shownName + "': " + reason(e));
        }
        Map<String, UserRules> users = new LinkedHashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        StringBuilder errors = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            List<String> words = RuleWords.split(line);
            if (!words.getFirst().equals("user") || words.size() < 2) {
                errors.append(shownName).append(':').append(number)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = words.get(1);
            if (!names.add(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(number).append(". ");
                continue;
            }
            try {
                users.put(name, acl.builder(null).applyAll(RuleWords.merge(words.subList(2, words.size()))).build());
            } catch (AclRuleException e) {
                errors.append(describe(shownName, number, e));
            }
        }
        if (!errors.isEmpty()) {
            throw new Refused(errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
        }
        return users;
    }

    private static String describe(String file, int line, AclRuleException e) {
        String where = file + ":" + line + ": ";
        if (e.error() == null) {
            return where + "Unmatched parenthesis in selector definition.";
        }
        if (e.error() == RuleError.UNKNOWN_NAME) {
            return where + "Error in applying operation '" + e.rule() + "': " + e.getMessage() + ". ";
        }
        return where + e.getMessage() + ". ";
    }

    /** Writes every user, atomically: temp file, fsync, rename, fsync of the directory. */
    public static void save(Path file, List<String> lines) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + System.currentTimeMillis());
        try {
            StringBuilder text = new StringBuilder();
            lines.forEach(line -> text.append(line).append('\n'));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(absolute.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }
}

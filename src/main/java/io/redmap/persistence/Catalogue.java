package io.redmap.persistence;

import io.redmap.store.ArraySpec;
import io.redmap.store.ElementShape;
import io.redmap.type.ElementType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The keyspace on disk: every key with its file, type, size, shape, writable flag and database.
 *
 * <p>A text file, one line per key, each line with its own CRC-32C, so that a damaged byte costs
 * one key, not the whole keyspace:
 * <pre>
 * redmap-catalogue 2
 * &lt;crc&gt; &lt;db&gt; &lt;w|r&gt; &lt;type&gt; &lt;valueSize&gt; &lt;shape&gt; &lt;key hex&gt; &lt;path hex&gt;
 * </pre>
 * The format is versioned by its first line; the type names are the frozen canonical names; the
 * shape is that of one element as a tuple without spaces ({@code ()}, {@code (768,)}, {@code (3,4)}).
 * Version 1 had the values per row there instead ({@code 1} for plain values, {@code n} for
 * {@code DIM n}); it is still read, and the next save writes version 2.
 * It is replaced atomically: written to a temporary file, fsynced, renamed over the old one,
 * and the directory fsynced, so that a crash at any moment leaves the old or the new catalogue.
 */
public final class Catalogue {
    static final String MAGIC = "redmap-catalogue 2";
    /** Before arrays of any rank: the values per row where version 2 has the shape. */
    static final String MAGIC_V1 = "redmap-catalogue 1";
    private static final String HEADER_PREFIX = "redmap-catalogue ";
    private static final HexFormat HEX = HexFormat.of();

    private final Path file;

    public Catalogue(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** One key as the catalogue keeps it. */
    public record Entry(int db, byte[] key, ArraySpec spec) {
    }

    /** What a load found: the entries it could read, and a description of each damaged line. */
    public record Loaded(List<Entry> entries, List<String> damaged) {
    }

    /**
     * Reads the catalogue; a missing file is an empty keyspace. Every line that cannot be read is
     * described in {@link Loaded#damaged()}; the lines that can are returned whatever else is wrong.
     *
     * <p>What counts as damage: a missing or foreign header, a line whose fields or checksum do not
     * match, a last line without its newline, and an empty file. {@link #save} replaces the file by
     * an atomic rename of a complete, fsynced copy, and no version ever wrote an empty catalogue (the
     * header is always there), so none of these is a torn save: they are the file system's damage
     * or someone else's writing. A cut that falls exactly between two lines cannot be seen (the
     * format has no end marker).
     */
    public Loaded load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), List.of());
        }
        List<Entry> entries = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        if (bytes.length == 0) {
            damaged.add("line 1: the file is empty (0 bytes), but a saved catalogue always has its header line '"
                    + MAGIC + "'");
            return new Loaded(entries, damaged);
        }
        List<String> lines = new String(bytes, StandardCharsets.ISO_8859_1).lines().toList();
        boolean v1 = lines.getFirst().equals(MAGIC_V1);
        if (!v1 && !lines.getFirst().equals(MAGIC)) {
            damaged.add(lines.getFirst().startsWith(HEADER_PREFIX) && lines.getFirst().length() < 40
                    ? "line 1: format '" + lines.getFirst() + "' is not one this server reads ('" + MAGIC + "')"
                    : "line 1: not a redmap catalogue header (expected '" + MAGIC + "')");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            try {
                entries.add(parse(line, v1));
            } catch (IllegalArgumentException e) {
                damaged.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (bytes[bytes.length - 1] != '\n') {
            damaged.add("line " + lines.size() + ": cut short (the file does not end with a newline)");
        }
        return new Loaded(entries, damaged);
    }

    /**
     * Copies the catalogue, as it is, to a new file beside it ({@code <name>.damaged-<time>}), so
     * that loading only its readable entries loses nothing for good.
     *
     * @return the copy
     */
    public Path keepCopy() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path copy = file.resolveSibling(file.getFileName() + ".damaged-" + stamp);
        for (int i = 1; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); i++) {
            copy = file.resolveSibling(file.getFileName() + ".damaged-" + stamp + "-" + i);
        }
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        forceDirectory(copy.toAbsolutePath().getParent());
        return copy;
    }

    /** Replaces the catalogue with these entries, atomically and durably. */
    public void save(List<Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder(64 + entries.size() * 64);
        text.append(MAGIC).append('\n');
        for (Entry entry : entries) {
            String body = format(entry);
            text.append(String.format("%08x", checksum(body))).append(' ').append(body).append('\n');
        }
        Path directory = file.toAbsolutePath().getParent();
        Path temp = directory.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        boolean replaced = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            replaced = true;
            forceDirectory(directory);
        } finally {
            if (!replaced) {
                // A failed save leaves nothing behind: the old catalogue stays, alone.
                deleteQuietly(temp);
            }
        }
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The save already failed with the error that matters; a stray temp file is overwritten next time.
        }
    }

    private static String format(Entry entry) {
        ArraySpec spec = entry.spec();
        return entry.db() + " " + (spec.writable() ? 'w' : 'r') + " " + spec.type().canonicalName() + " "
                + spec.valueSize() + " " + spec.shape().text() + " " + HEX.formatHex(entry.key()) + " "
                + HEX.formatHex(spec.path().getBytes(StandardCharsets.UTF_8));
    }

    private static Entry parse(String line, boolean v1) {
        String[] fields = line.split(" ", -1);
        if (fields.length != 8) {
            throw new IllegalArgumentException("expected 8 fields, found " + fields.length);
        }
        String body = line.substring(line.indexOf(' ') + 1);
        long expected;
        try {
            expected = Long.parseLong(fields[0], 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad checksum field");
        }
        if (fields[0].length() != 8 || expected != checksum(body)) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        try {
            int db = Integer.parseInt(fields[1]);
            boolean writable = switch (fields[2]) {
                case "w" -> true;
                case "r" -> false;
                default -> throw new IllegalArgumentException("bad writable flag");
            };
            ElementType type = ElementType.find(fields[3]);
            if (type == null) {
                throw new IllegalArgumentException("unknown type " + fields[3]);
            }
            int valueSize = Integer.parseInt(fields[4]);
            ElementShape shape = v1 ? ElementShape.ofDim(Integer.parseInt(fields[5])) : ElementShape.parse(fields[5]);
            byte[] key = HEX.parseHex(fields[6]);
            String path = new String(HEX.parseHex(fields[7]), StandardCharsets.UTF_8);
            return new Entry(db, key, new ArraySpec(path, type, valueSize, shape, writable));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number: " + e.getMessage());
        }
    }

    private static long checksum(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.ISO_8859_1));
        return crc.getValue();
    }
}

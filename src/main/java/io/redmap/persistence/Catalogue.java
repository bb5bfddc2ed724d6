package io.redmap.persistence;

import io.redmap.store.ArraySpec;
import io.redmap.type.ElementType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * redmap-catalogue 1
 * &lt;crc&gt; &lt;db&gt; &lt;w|r&gt; &lt;type&gt; &lt;valueSize&gt; &lt;dim&gt; &lt;key hex&gt; &lt;path hex&gt;
 * </pre>
 * The format is versioned by its first line; the type names are the frozen canonical names.
 * It is replaced atomically: written to a temporary file, fsynced, renamed over the old one,
 * and the directory fsynced, so that a crash at any moment leaves the old or the new catalogue.
 */
public final class Catalogue {
    static final String MAGIC = "redmap-catalogue 1";
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

    /** Reads the catalogue; a missing file is an empty keyspace. */
    public Loaded load() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), List.of());
        }
        List<Entry> entries = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            damaged.add("line 1: not a redmap catalogue header (expected '" + MAGIC + "')");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            try {
                entries.add(parse(line));
            } catch (IllegalArgumentException e) {
                damaged.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Loaded(entries, damaged);
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
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static String format(Entry entry) {
        ArraySpec spec = entry.spec();
        return entry.db() + " " + (spec.writable() ? 'w' : 'r') + " " + spec.type().canonicalName() + " "
                + spec.valueSize() + " " + spec.dim() + " " + HEX.formatHex(entry.key()) + " "
                + HEX.formatHex(spec.path().getBytes(StandardCharsets.UTF_8));
    }

    private static Entry parse(String line) {
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
            int dim = Integer.parseInt(fields[5]);
            byte[] key = HEX.parseHex(fields[6]);
            String path = new String(HEX.parseHex(fields[7]), StandardCharsets.UTF_8);
            return new Entry(db, key, new ArraySpec(path, type, valueSize, dim, writable));
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

package io.redmap.replication;

import io.redmap.server.Log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The replication id and offset a server had when it stopped cleanly (files synced, catalogue
 * saved), kept in {@code dir} so that after a restart its replicas, or its master, continue by
 * partial resync, as Redis keeps them in its RDB file. Read once at start and deleted at once:
 * after a crash there is none, and the next sync is a full one (the data may be ahead of the
 * offset).
 */
final class ShutdownPoint {
    static final String FILE_NAME = "redmap.replication";

    record Point(String id, long offset) {
    }

    private ShutdownPoint() {
    }

    static void save(Path dir, String id, long offset) {
        Path file = dir.resolve(FILE_NAME);
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(temp, id + " " + offset + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Log.warning("Could not keep the replication offset for a partial resync after restart: " + e.getMessage());
        }
    }

    /** The point kept at the last clean stop, or null; the file is gone afterwards either way. */
    static Point takeSaved(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                return null;
            }
            String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            Files.delete(file);
            if (fields.length != 2 || fields[0].length() != 40) {
                return null;
            }
            return new Point(fields[0], Long.parseLong(fields[1]));
        } catch (IOException | NumberFormatException e) {
            Log.warning("Ignoring " + file + ": " + e.getMessage());
            return null;
        }
    }
}

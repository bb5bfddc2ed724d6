package io.redmap.replication;

import io.redmap.server.Log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

/**
 * The replication id and offset a server had when it stopped cleanly (files synced, catalogue
 * saved), kept in {@code dir} so that after a restart its replicas, or its master, continue by
 * partial resync, as Redis keeps them in its RDB file. It names the catalogue it goes with (by its
 * checksum), so that a catalogue deleted or replaced meanwhile means a full sync, not a replica
 * that believes it holds keys it lacks. Read once at start and deleted at once: after a crash
 * there is none, and the next sync is a full one (the data may be ahead of the offset).
 */
final class ShutdownPoint {
    static final String FILE_NAME = "redmap.replication";

    /** Our place in the history, and the database its stream was in there. */
    record Point(String id, long offset, int db) {
    }

    /** The checksum of the catalogue's bytes, or -1 when there is none. */
    private static long catalogueChecksum(Path catalogue) throws IOException {
        if (!Files.isRegularFile(catalogue)) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(Files.readAllBytes(catalogue));
        return crc.getValue();
    }

    private ShutdownPoint() {
    }

    static void save(Path dir, Path catalogue, Point point) {
        Path file = dir.resolve(FILE_NAME);
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(temp, point.id() + " " + point.offset() + " " + point.db() + " "
                    + catalogueChecksum(catalogue) + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Log.warning("Could not keep the replication offset for a partial resync after restart: " + e.getMessage());
        }
    }

    /**
     * The point kept at the last clean stop, if it goes with the catalogue there now, or null; the
     * file is gone afterwards either way.
     */
    static Point takeSaved(Path dir, Path catalogue) {
        Path file = dir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                return null;
            }
            String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            Files.delete(file);
            if (fields.length != 4 || fields[0].length() != 40) {
                return null;
            }
            if (Long.parseLong(fields[3]) != catalogueChecksum(catalogue)) {
                Log.notice("The replication offset kept at the last shutdown is not for this catalogue: a full sync follows");
                return null;
            }
            return new Point(fields[0], Long.parseLong(fields[1]), Integer.parseInt(fields[2]));
        } catch (IOException | NumberFormatException e) {
            Log.warning("Ignoring " + file + ": " + e.getMessage());
            return null;
        }
    }
}

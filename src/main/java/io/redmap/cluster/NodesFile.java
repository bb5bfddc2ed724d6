package io.redmap.cluster;

import io.redmap.server.Log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cluster-config-file} (nodes.conf in {@code dir}): the slot moves this node has taken since
 * the declared topology, each with its config epoch ({@link SlotMoves}), so that a restart serves
 * what it served before and not the declared slots again. Written whole (temporary file, fsync,
 * rename) after every move.
 */
final class NodesFile {
    private final Path file;

    NodesFile(Path file) {
        this.file = file;
    }

    /** Applies the file's moves to the view (those newer than it holds); a missing file is a fresh cluster. */
    void load(ClusterState state) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (String move : SlotMoves.apply(state, Files.readAllLines(file, StandardCharsets.UTF_8), true)) {
            Log.warning(file + ": '" + move + "' names a shard that is no longer declared: its slots stay with"
                    + " their declared shards");
        }
    }

    void save(ClusterState state) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# redmap cluster view: slots moved since the declared topology (written by the server)");
        lines.addAll(SlotMoves.lines(state));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, lines, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

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
import java.util.BitSet;
import java.util.List;

/**
 * {@code cluster-config-file} (nodes.conf in {@code dir}): the slot moves this node has taken since
 * the declared topology, each with its config epoch, so that a restart serves what it served before
 * and not the declared slots again. One line per run of slots moved together:
 * {@code slots <ranges> <shard> <epoch>}. Written whole (temporary file, fsync, rename) after every move.
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
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            String[] words = line.strip().split("\\s+");
            if (words.length != 4 || !words[0].equals("slots")) {
                continue; // comments, and lines of a later version
            }
            Shard shard = state.topology().shard(words[2]);
            if (shard == null) {
                Log.warning(file + ":" + lineNumber + ": shard " + words[2] + " is no longer declared; its slots "
                        + words[1] + " stay with their declared shards");
                continue;
            }
            BitSet slots = SlotRanges.parse(words[1]);
            long epoch = Long.parseLong(words[3]);
            for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
                state.restore(slot, shard, epoch);
            }
        }
    }

    /** Writes the moved slots of the view (epoch > 0), grouped by shard and epoch. */
    void save(ClusterState state) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# redmap cluster view: slots moved since the declared topology (written by the server)");
        for (Shard shard : state.shards()) {
            BitSet slots = state.slotsOf(shard);
            int slot = slots.nextSetBit(0);
            while (slot >= 0) {
                long epoch = state.slotEpoch(slot);
                BitSet run = new BitSet();
                int end = slot;
                while (end >= 0 && slots.get(end) && state.slotEpoch(end) == epoch) {
                    run.set(end);
                    end = end + 1 < SlotHash.SLOTS ? end + 1 : -1;
                }
                if (epoch > 0) {
                    lines.add("slots " + SlotRanges.format(run, ",") + " " + shard.name() + " " + epoch);
                }
                slot = end < 0 ? -1 : slots.nextSetBit(end);
            }
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, lines, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

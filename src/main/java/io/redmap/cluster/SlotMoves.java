package io.redmap.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The slot moves of a view since the declared topology, as text: one line per run of slots moved
 * together, {@code slots <ranges> <shard> <epoch>}. The form of {@code nodes.conf} and of the view a
 * master sends a replica in a full sync.
 */
final class SlotMoves {
    private SlotMoves() {
    }

    /** The moved slots of the view (epoch > 0), grouped by shard and epoch. */
    static List<String> lines(ClusterState state) {
        List<String> lines = new ArrayList<>();
        for (Shard shard : state.shards()) {
            BitSet slots = state.slotsOf(shard);
            int slot = slots.nextSetBit(0);
            while (slot >= 0) {
                long epoch = state.slotEpoch(slot);
                BitSet run = new BitSet();
                int end = slot;
                while (end < SlotHash.SLOTS && slots.get(end) && state.slotEpoch(end) == epoch) {
                    run.set(end++);
                }
                if (epoch > 0) {
                    lines.add("slots " + SlotRanges.format(run, ",") + " " + shard.name() + " " + epoch);
                }
                slot = end < SlotHash.SLOTS ? slots.nextSetBit(end) : -1;
            }
        }
        return lines;
    }

    /**
     * Applies moves to a view; lines that are not moves (comments) are skipped.
     *
     * @param onlyNewer true: a move is taken only if newer than what the view holds for its slot;
     *     false: the view becomes the declared topology plus these moves (a replica adopting its master's)
     * @return the moves naming a shard the topology no longer has, for the caller to report
     */
    static List<String> apply(ClusterState state, List<String> lines, boolean onlyNewer) {
        if (!onlyNewer) {
            state.resetToDeclared();
        }
        List<String> unknown = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length != 4 || !words[0].equals("slots")) {
                continue;
            }
            Shard shard = state.topology().shard(words[2]);
            if (shard == null) {
                unknown.add(line);
                continue;
            }
            BitSet slots = SlotRanges.parse(words[1]);
            long epoch = Long.parseLong(words[3]);
            for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
                state.restore(slot, shard, epoch);
            }
        }
        return unknown;
    }
}

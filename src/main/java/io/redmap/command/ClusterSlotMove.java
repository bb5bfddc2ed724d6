package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.cluster.Cluster;
import io.redmap.cluster.ClusterNode;
import io.redmap.cluster.ClusterState;
import io.redmap.protocol.Request;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code CLUSTER SETSLOT}, the slot-move command that {@code redis-cli --cluster reshard} sends: open
 * a slot on both sides (IMPORTING on the target, MIGRATING on the source), and once MIGRATE has
 * moved its keys, give it to the target on every master (NODE). A NODE is passed to the replicas in
 * the write stream ({@code RDM.SLOT slot shard epoch}), so that they learn the move from their
 * master; the other forms stay local, as open slots are a master's business.
 */
final class ClusterSlotMove {
    private ClusterSlotMove() {
    }

    static void setslot(CommandContext ctx) {
        Cluster cluster = ClusterCommands.cluster(ctx);
        ClusterState state = cluster.state();
        if (ctx.server().replication().isReplica() && !ClusterCommands.fromMaster(ctx)) {
            throw RedmapException.err("Please use SETSLOT only with masters.");
        }
        int slot = ClusterCommands.slot(ctx, 2, "Invalid or out of range slot");
        String action = ctx.string(3).toLowerCase(Locale.ROOT);
        ClusterNode myself = state.myself();
        boolean owner = state.ownerOf(slot).equals(myself);
        ctx.propagateAs(); // nothing goes to the replicas but NODE, below
        switch (action) {
            case "migrating" -> {
                requireArgs(ctx, 5);
                if (!owner) {
                    throw RedmapException.err("I'm not the owner of hash slot " + slot);
                }
                ClusterNode target = ClusterCommands.masterNamed(state, ctx.string(4));
                state.migrating(slot, target);
            }
            case "importing" -> {
                requireArgs(ctx, 5);
                if (owner) {
                    throw RedmapException.err("I'm already the owner of hash slot " + slot);
                }
                ClusterNode source = ClusterCommands.masterNamed(state, ctx.string(4));
                state.importing(slot, source);
            }
            case "stable" -> {
                requireArgs(ctx, 4);
                state.stable(slot);
            }
            case "node" -> {
                requireArgs(ctx, 5);
                if (state.topology().node(ctx.string(4)) == null) {
                    throw RedmapException.err("Unknown node " + ctx.string(4)); // Redis's words for NODE
                }
                ClusterNode target = ClusterCommands.masterNamed(state, ctx.string(4));
                if (owner && !target.equals(myself) && !ClusterCommands.keysInSlot(ctx, slot, 1).isEmpty()) {
                    throw RedmapException.err("Can't assign hashslot " + slot
                            + " to a different node while I still hold keys for this hash slot.");
                }
                long epoch = state.assign(slot, ClusterCommands.shardOf(state, target));
                cluster.saveView();
                // The replicas take the move with this node's epoch, so that their views compare as ours do.
                ctx.propagateAs(Request.of(words("RDM.SLOT", Integer.toString(slot), target.shard(), Long.toString(epoch))));
            }
            default -> throw invalid();
        }
        ctx.reply().ok();
    }

    /** {@code RDM.SLOT slot shard epoch}: a slot move in the master's stream. */
    static void slotFromMaster(CommandContext ctx) {
        Cluster cluster = ClusterCommands.cluster(ctx);
        if (!ClusterCommands.fromMaster(ctx)) {
            throw RedmapException.err("RDM.SLOT is sent by this node's master only");
        }
        int slot = ClusterCommands.slot(ctx, 1, "Invalid or out of range slot");
        cluster.slotMovedByMaster(slot, ctx.string(2), ctx.integer(3));
        ctx.reply().ok();
    }

    private static void requireArgs(CommandContext ctx, int argc) {
        if (ctx.argc() != argc) {
            throw invalid();
        }
    }

    private static RedmapException invalid() {
        return RedmapException.err("Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    }

    private static byte[][] words(String... words) {
        byte[][] bytes = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            bytes[i] = words[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}

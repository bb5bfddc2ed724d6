package io.redmap.command;

import io.redmap.cluster.ClusterDescription;
import io.redmap.cluster.ClusterNode;
import io.redmap.cluster.ClusterState;
import io.redmap.cluster.Shard;
import io.redmap.cluster.SlotHash;
import io.redmap.cluster.SlotRanges;
import io.redmap.protocol.Reply;

import java.util.BitSet;
import java.util.List;

/** The structured replies of CLUSTER SLOTS and CLUSTER SHARDS, shaped as Redis 7 shapes them (cluster.c). */
final class ClusterReplies {
    private ClusterReplies() {
    }

    /**
     * One entry per run of slots with the same shard: start, end, then the master and its replicas,
     * each {@code [ip, port, id, {}]} (the empty map of further endpoints, as Redis 7 with IP endpoints).
     */
    static void slots(CommandContext ctx) {
        ClusterState state = ClusterCommands.state(ctx);
        Reply reply = ctx.reply();
        int runs = 0;
        for (int slot = 0; slot < SlotHash.SLOTS; slot++) {
            if (slot == 0 || state.shardOf(slot) != state.shardOf(slot - 1)) {
                runs++;
            }
        }
        reply.arrayHeader(runs);
        int start = 0;
        for (int slot = 1; slot <= SlotHash.SLOTS; slot++) {
            if (slot == SlotHash.SLOTS || state.shardOf(slot) != state.shardOf(start)) {
                Shard shard = state.shardOf(start);
                List<ClusterNode> nodes = ClusterDescription.ordered(shard, state.masterOf(shard));
                reply.arrayHeader(2 + nodes.size());
                reply.integer(start);
                reply.integer(slot - 1);
                for (ClusterNode node : nodes) {
                    reply.arrayHeader(4);
                    reply.bulk(node.host());
                    reply.integer(node.port());
                    reply.bulk(node.id());
                    reply.mapHeader(0);
                }
                start = slot;
            }
        }
    }

    /** Per shard: {@code slots} (start and end of each range, flat) and {@code nodes} (a map per node). */
    static void shards(CommandContext ctx) {
        ClusterState state = ClusterCommands.state(ctx);
        Reply reply = ctx.reply();
        reply.arrayHeader(state.shards().size());
        for (Shard shard : state.shards()) {
            reply.mapHeader(2);
            reply.bulk("slots");
            BitSet slots = state.slotsOf(shard);
            List<int[]> ranges = SlotRanges.ranges(slots);
            reply.arrayHeader(ranges.size() * 2L);
            for (int[] range : ranges) {
                reply.integer(range[0]);
                reply.integer(range[1]);
            }
            reply.bulk("nodes");
            ClusterNode master = state.masterOf(shard);
            List<ClusterNode> nodes = ClusterDescription.ordered(shard, master);
            reply.arrayHeader(nodes.size());
            for (ClusterNode node : nodes) {
                boolean isMaster = node.equals(master);
                reply.mapHeader(7);
                reply.bulk("id");
                reply.bulk(node.id());
                reply.bulk("port");
                reply.integer(node.port());
                reply.bulk("ip");
                reply.bulk(node.host());
                reply.bulk("endpoint");
                reply.bulk(node.host());
                reply.bulk("role");
                reply.bulk(isMaster ? "master" : "replica");
                reply.bulk("replication-offset");
                reply.integer(offsetOf(ctx, node));
                reply.bulk("health");
                reply.bulk("online");
            }
        }
    }

    /** This node's own replication offset; the others' are not known here (no gossip): 0 as Redis before it hears. */
    private static long offsetOf(CommandContext ctx, ClusterNode node) {
        return node.equals(ClusterCommands.state(ctx).myself()) ? ctx.server().replication().state().offset() : 0;
    }
}

package io.redmap.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** The texts of CLUSTER NODES and CLUSTER INFO, in Redis's formats (cluster_legacy.c). */
public final class ClusterDescription {
    /** Redis's default bus port offset: shown in addresses, where clients expect {@code ip:port@cport}. */
    private static final int BUS_PORT_OFFSET = 10000;

    private ClusterDescription() {
    }

    /**
     * CLUSTER NODES: one line per node, {@code id ip:port@cport flags master-id ping-sent pong-recv
     * config-epoch link-state slots...}; this node's line also shows its open slots as Redis does,
     * {@code [slot->-target-id]} and {@code [slot-<-source-id]}.
     */
    public static String nodes(ClusterState state) {
        StringBuilder text = new StringBuilder();
        for (Shard shard : state.shards()) {
            ClusterNode master = state.masterOf(shard);
            long epoch = state.epochOf(shard);
            for (ClusterNode node : ordered(shard, master)) {
                boolean isMaster = node.equals(master);
                boolean myself = node.equals(state.myself());
                text.append(node.id()).append(' ').append(node.address()).append('@').append(busPort(node.port()))
                        .append(' ').append(myself ? "myself," : "").append(isMaster ? "master" : "slave")
                        .append(' ').append(isMaster ? "-" : master.id())
                        .append(" 0 0 ").append(epoch).append(" connected");
                if (isMaster) {
                    String slots = SlotRanges.format(state.slotsOf(shard), " ");
                    if (!slots.isEmpty()) {
                        text.append(' ').append(slots);
                    }
                }
                if (myself) {
                    openSlots(state, text);
                }
                text.append('\n');
            }
        }
        return text.toString();
    }

    private static void openSlots(ClusterState state, StringBuilder text) {
        for (int slot = 0; slot < SlotHash.SLOTS; slot++) {
            if (state.migratingTo(slot) != null) {
                text.append(" [").append(slot).append("->-").append(state.migratingTo(slot).id()).append(']');
            } else if (state.importingFrom(slot) != null) {
                text.append(" [").append(slot).append("-<-").append(state.importingFrom(slot).id()).append(']');
            }
        }
    }

    /** A shard's nodes, its current master first. */
    public static List<ClusterNode> ordered(Shard shard, ClusterNode master) {
        List<ClusterNode> nodes = new ArrayList<>();
        nodes.add(master);
        for (ClusterNode node : shard.nodes()) {
            if (!node.equals(master)) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    public static int busPort(int port) {
        return port + BUS_PORT_OFFSET <= 65535 ? port + BUS_PORT_OFFSET : 0;
    }

    /** CLUSTER INFO. The declared topology serves every slot: the state is ok unless a shard has no master. */
    public static String info(ClusterState state) {
        int servedShards = 0;
        BitSet assigned = new BitSet(SlotHash.SLOTS);
        for (Shard shard : state.shards()) {
            BitSet slots = state.slotsOf(shard);
            assigned.or(slots);
            servedShards += slots.isEmpty() ? 0 : 1;
        }
        int slotsAssigned = assigned.cardinality();
        return "cluster_state:" + (slotsAssigned == SlotHash.SLOTS ? "ok" : "fail") + "\r\n"
                + "cluster_slots_assigned:" + slotsAssigned + "\r\n"
                + "cluster_slots_ok:" + slotsAssigned + "\r\n"
                + "cluster_slots_pfail:0\r\n"
                + "cluster_slots_fail:0\r\n"
                + "cluster_known_nodes:" + state.topology().nodeCount() + "\r\n"
                + "cluster_size:" + servedShards + "\r\n"
                + "cluster_current_epoch:" + state.currentEpoch() + "\r\n"
                + "cluster_my_epoch:" + state.epochOf(state.myShard()) + "\r\n"
                + "cluster_stats_messages_sent:0\r\n"
                + "cluster_stats_messages_received:0\r\n"
                + "total_cluster_links_buffer_limit_exceeded:0\r\n";
    }
}

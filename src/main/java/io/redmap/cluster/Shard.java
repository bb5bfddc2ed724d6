package io.redmap.cluster;

import java.util.BitSet;
import java.util.List;

/**
 * A shard as declared by a {@code cluster-shard} line: its name (the Sentinel master name when
 * Sentinel manages it), the slots it served at start, and its nodes, the first one its master at start.
 */
public record Shard(int index, String name, BitSet declaredSlots, List<ClusterNode> nodes) {

    public String id() {
        return ClusterNode.idOf(name, "shard");
    }

    public ClusterNode node(String host, int port) {
        for (ClusterNode node : nodes) {
            if (node.port() == port && node.host().equalsIgnoreCase(host)) {
                return node;
            }
        }
        return null;
    }
}

package io.redmap.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The declared topology: every {@code cluster-shard <name> <slots> <host:port> [<host:port> ...]}
 * line of the configuration, checked whole at start. Slots given to two shards, slots given to
 * none, a name or an address used twice and an address that is not one are refused with a message
 * that names them, so that a cluster never starts on a topology its nodes would read differently.
 */
public final class Topology {
    private final List<Shard> shards;
    private final Map<String, ClusterNode> byId = new HashMap<>();

    private Topology(List<Shard> shards) {
        this.shards = List.copyOf(shards);
        for (Shard shard : shards) {
            for (ClusterNode node : shard.nodes()) {
                byId.put(node.id(), node);
            }
        }
    }

    /** Parses the lines (the words after {@code cluster-shard}); throws with every reason it is refused. */
    public static Topology parse(List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("cluster-enabled yes needs cluster-shard lines: "
                    + "cluster-shard <name> <slots> <host:port> [<host:port> ...]");
        }
        List<Shard> shards = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> addresses = new HashMap<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 3) {
                throw new IllegalArgumentException("cluster-shard '" + line.strip()
                        + "': expected <name> <slots> <host:port> [<host:port> ...]");
            }
            String name = words[0];
            if (!names.add(name)) {
                throw new IllegalArgumentException("cluster-shard " + name + " is declared twice");
            }
            BitSet slots;
            try {
                slots = SlotRanges.parse(words[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cluster-shard " + name + ": " + e.getMessage());
            }
            List<ClusterNode> nodes = new ArrayList<>();
            for (int i = 2; i < words.length; i++) {
                ClusterNode node = node(name, words[i]);
                String other = addresses.putIfAbsent(node.address(), name);
                if (other != null) {
                    throw new IllegalArgumentException("cluster-shard " + name + ": " + node.address()
                            + " is already a node of shard " + other);
                }
                nodes.add(node);
            }
            shards.add(new Shard(shards.size(), name, slots, List.copyOf(nodes)));
        }
        checkCoverage(shards);
        return new Topology(shards);
    }

    private static ClusterNode node(String shard, String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("cluster-shard " + shard + ": '" + address + "' is not host:port");
        }
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("cluster-shard " + shard + ": '" + address + "' has no valid port");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cluster-shard " + shard + ": unknown host '" + host + "'");
        }
        return ClusterNode.of(shard, host, port);
    }

    /** Every slot in exactly one shard: overlaps first (the more surprising mistake), then holes. */
    private static void checkCoverage(List<Shard> shards) {
        for (int a = 0; a < shards.size(); a++) {
            for (int b = a + 1; b < shards.size(); b++) {
                BitSet both = (BitSet) shards.get(a).declaredSlots().clone();
                both.and(shards.get(b).declaredSlots());
                if (!both.isEmpty()) {
                    throw new IllegalArgumentException("slots " + SlotRanges.format(both, ",") + " are given to both shard "
                            + shards.get(a).name() + " and shard " + shards.get(b).name());
                }
            }
        }
        BitSet covered = new BitSet(SlotHash.SLOTS);
        for (Shard shard : shards) {
            covered.or(shard.declaredSlots());
        }
        BitSet holes = new BitSet(SlotHash.SLOTS);
        holes.set(0, SlotHash.SLOTS);
        holes.andNot(covered);
        if (!holes.isEmpty()) {
            throw new IllegalArgumentException("slots " + SlotRanges.format(holes, ",")
                    + " are given to no shard: every slot 0-16383 needs one cluster-shard line");
        }
    }

    public List<Shard> shards() {
        return shards;
    }

    public Shard shard(String name) {
        for (Shard shard : shards) {
            if (shard.name().equals(name)) {
                return shard;
            }
        }
        return null;
    }

    public ClusterNode node(String id) {
        return byId.get(id);
    }

    /** The node at this address, in any shard, or null. */
    public ClusterNode nodeAt(String host, int port) {
        for (Shard shard : shards) {
            ClusterNode node = shard.node(host, port);
            if (node != null) {
                return node;
            }
        }
        return null;
    }

    public int nodeCount() {
        return byId.size();
    }
}

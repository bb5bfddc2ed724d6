package io.redmap.cluster;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which node of the topology this server is: the one at its port whose host is
 * {@code cluster-announce-ip} when that is set, or else an address of this host (a loopback
 * address, or one of its interfaces': in a network namespace, only the namespace's).
 */
final class Myself {
    private Myself() {
    }

    static ClusterNode find(Topology topology, int port, String announceIp) {
        List<ClusterNode> candidates = new ArrayList<>();
        for (Shard shard : topology.shards()) {
            for (ClusterNode node : shard.nodes()) {
                if (node.port() == port && (announceIp.isEmpty() ? isLocal(node.host()) : node.host().equals(announceIp))) {
                    candidates.add(node);
                }
            }
        }
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("this node (port " + port + (announceIp.isEmpty() ? "" : ", cluster-announce-ip "
                    + announceIp) + ") is not a node of any cluster-shard line");
        }
        throw new IllegalArgumentException("this node could be any of " + candidates.stream().map(ClusterNode::address).toList()
                + ": set cluster-announce-ip to the one it is");
    }

    private static boolean isLocal(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}

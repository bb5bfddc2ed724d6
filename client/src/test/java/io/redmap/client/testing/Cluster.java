package io.redmap.client.testing;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A redmap cluster of real processes with a declared topology (docs/cluster.md): {@code shards}
 * masters without replicas, the 16384 slots split evenly, every node started with the same
 * {@code cluster-shard} lines. Enough to show that a cluster client routes each command by its key.
 */
public final class Cluster implements AutoCloseable {
    public static final int SLOTS = 16384;

    private final Path root;
    private final List<RedmapServer> nodes = new ArrayList<>();
    private final List<int[]> slots = new ArrayList<>();

    private Cluster(Path root) {
        this.root = root;
    }

    /** Starts {@code shards} masters; returns once each answers PING and says cluster_state:ok. */
    public static Cluster start(int shards) {
        try {
            Cluster cluster = new Cluster(Files.createTempDirectory("redmap-client-cluster"));
            try {
                cluster.startNodes(shards);
            } catch (RuntimeException | Error | IOException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startNodes(int shards) throws IOException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < shards) {
            int port = RedmapServer.freePort();
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        List<String> topology = new ArrayList<>(List.of("cluster-enabled yes"));
        for (int i = 0; i < shards; i++) {
            int first = i * SLOTS / shards;
            int last = (i + 1) * SLOTS / shards - 1;
            slots.add(new int[] {first, last});
            topology.add("cluster-shard s" + i + " " + first + "-" + last + " 127.0.0.1:" + ports.get(i));
        }
        for (int port : ports) {
            nodes.add(RedmapServer.start(root, port, topology));
        }
        for (RedmapServer node : nodes) {
            awaitClusterOk(node);
        }
    }

    private static void awaitClusterOk(RedmapServer node) {
        for (int attempt = 0; attempt < 600; attempt++) {
            try (Jedis jedis = node.jedis()) {
                if (jedis.clusterInfo().contains("cluster_state:ok")) {
                    return;
                }
            }
            RedmapServer.sleep(50);
        }
        throw new AssertionError("the node on port " + node.port() + " never says cluster_state:ok; log:\n" + node.log());
    }

    /** Every node's address: JedisCluster's seeds. */
    public Set<HostAndPort> seeds() {
        return nodes.stream().map(node -> new HostAndPort("127.0.0.1", node.port())).collect(Collectors.toSet());
    }

    public List<RedmapServer> nodes() {
        return nodes;
    }

    /** The node that serves {@code slot} as declared. */
    public RedmapServer nodeOf(int slot) {
        for (int i = 0; i < slots.size(); i++) {
            if (slot >= slots.get(i)[0] && slot <= slots.get(i)[1]) {
                return nodes.get(i);
            }
        }
        throw new IllegalArgumentException("no node serves slot " + slot);
    }

    @Override
    public void close() {
        nodes.forEach(RedmapServer::close);
        RedmapServer.deleteTree(root);
    }
}

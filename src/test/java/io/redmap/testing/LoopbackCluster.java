package io.redmap.testing;

import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A redmap cluster of real processes on loopback: {@code shards} masters, each with one replica,
 * sharing one topology file ({@code include}d by each node's config), the 16384 slots split
 * evenly as {@code redis-cli --cluster create} splits them. Node {@code i} is shard {@code i}'s
 * master, node {@code shards + i} its replica; shard names are a, b, c...
 */
public final class LoopbackCluster implements AutoCloseable {
    private final int[] ports;
    private final ServerProcess[] nodes;
    private final Jedis[] clients;

    private LoopbackCluster(int[] ports) {
        this.ports = ports;
        this.nodes = new ServerProcess[ports.length];
        this.clients = new Jedis[ports.length];
    }

    /** Starts the cluster and returns once every replica is in sync; {@code extraLines} go into the topology file. */
    public static LoopbackCluster start(Path dir, int shards, String... extraLines) {
        return start(dir, shards, freePorts(shards), extraLines);
    }

    /** As {@link #start(Path, int, String...)}, with the masters on ports chosen before (a Sentinel watches them). */
    public static LoopbackCluster start(Path dir, int shards, int[] masterPorts, String... extraLines) {
        int[] ports = new int[2 * shards];
        System.arraycopy(masterPorts, 0, ports, 0, shards);
        System.arraycopy(freePorts(shards), 0, ports, shards, shards);
        List<String> topology = new ArrayList<>(List.of("cluster-enabled yes"));
        for (int shard = 0; shard < shards; shard++) {
            int first = shard * 16384 / shards;
            int last = (shard + 1) * 16384 / shards - 1;
            topology.add("cluster-shard " + shardName(shard) + " " + first + "-" + last + " 127.0.0.1:"
                    + ports[shard] + " 127.0.0.1:" + ports[shards + shard]);
        }
        topology.addAll(List.of(extraLines));
        return fromTopology(dir, topology, ports);
    }

    /**
     * A cluster of the given topology file's lines, node {@code i} on {@code ports[i]} (the topology
     * must name them all); returns once every replica is in sync with its master.
     */
    public static LoopbackCluster fromTopology(Path dir, List<String> topology, int[] ports) {
        LoopbackCluster cluster = new LoopbackCluster(ports);
        try {
            Path topologyFile = Files.write(dir.resolve("topology.conf"), topology);
            for (int i = 0; i < ports.length; i++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
                Path config = Files.writeString(nodeDir.resolve("redmap.conf"), "include " + topologyFile + "\n");
                cluster.nodes[i] = ServerProcess.startWithConfig(nodeDir, config, "--port", Integer.toString(ports[i]));
                cluster.clients[i] = new Jedis("127.0.0.1", ports[i]);
            }
            for (int i = 0; i < ports.length; i++) {
                if (cluster.query(i, jedis -> jedis.info("replication")).contains("role:slave")) {
                    cluster.awaitReplicaInSync(i);
                }
            }
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public static String shardName(int shard) {
        return String.valueOf((char) ('a' + shard));
    }

    public int size() {
        return ports.length;
    }

    public int port(int node) {
        return ports[node];
    }

    public ServerProcess node(int node) {
        return nodes[node];
    }

    public Jedis client(int node) {
        return clients[node];
    }

    /**
     * One query on a fresh connection: for a node Sentinel reconfigures (it kills the normal clients
     * of the nodes it changes, as part of a failover).
     */
    public <T> T query(int node, Function<Jedis, T> query) {
        try (Jedis jedis = new Jedis("127.0.0.1", ports[node])) {
            return query.apply(jedis);
        }
    }

    /** After a node was killed: starts it again on its directory, config and port. */
    public void restart(int node) {
        clients[node].close();
        nodes[node] = nodes[node].restart();
        clients[node] = new Jedis("127.0.0.1", ports[node]);
    }

    public void awaitReplicaInSync(int node) {
        Poll.until(Duration.ofSeconds(30), "node " + node + " in sync with its master",
                () -> query(node, jedis -> jedis.info("replication")), info -> info.contains("master_link_status:up"),
                nodes[node]::log);
    }

    /** Ports that were free a moment ago (each closed again before the servers bind them). */
    public static int[] freePorts(int count) {
        int[] ports = new int[count];
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ports;
    }

    @Override
    public void close() {
        for (Jedis client : clients) {
            if (client != null) {
                client.close();
            }
        }
        for (ServerProcess node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }
}

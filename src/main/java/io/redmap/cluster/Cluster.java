package io.redmap.cluster;

import io.redmap.server.Log;
import io.redmap.server.ServerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cluster mode (SPEC G): the declared topology, this node's view of it, the router that answers
 * -MOVED and -ASK, the file that keeps slot moves across restarts, and the Sentinel follower.
 * Made at start from {@code cluster-enabled yes}; the server has none otherwise.
 */
public final class Cluster {
    private final ClusterState state;
    private final ClusterRouter router;
    private final NodesFile nodesFile;
    private final List<String> sentinels;
    private volatile Supplier<String> ownMaster = () -> null;
    private SentinelFollower follower;

    private Cluster(Topology topology, ClusterNode myself, Path nodesFile, List<String> sentinels) {
        this.state = new ClusterState(topology, myself, () -> ownMaster.get());
        this.router = new ClusterRouter(state);
        this.nodesFile = new NodesFile(nodesFile);
        this.sentinels = sentinels;
    }

    /**
     * The cluster of a configuration, checked whole before the server starts: a topology with holes,
     * overlaps or bad addresses, or one that does not name this node, is refused with the reason.
     */
    public static Cluster configure(ServerConfig config) throws IOException {
        // With tls-cluster yes, as Redis announces its TLS port, the topology names nodes by it.
        int port = config.getBool("tls-cluster") && config.getLong("tls-port") != 0 ? (int) config.getLong("tls-port") : config.port();
        if (port == 0) {
            throw new IllegalArgumentException("cluster-enabled yes needs a fixed port: the topology names nodes by address");
        }
        Topology topology = Topology.parse(config.lines("cluster-shard"));
        ClusterNode myself = Myself.find(topology, port, config.get("cluster-announce-ip"));
        Cluster cluster = new Cluster(topology, myself, config.dir().resolve(config.get("cluster-config-file")),
                config.lines("cluster-sentinel"));
        cluster.nodesFile.load(cluster.state);
        return cluster;
    }

    /**
     * The master this node should follow at start ({@code host port}), or null when it is its shard's
     * master: Sentinel's answer when Sentinel manages the shard and answers, else the declared one.
     */
    public String initialMaster() {
        Shard shard = state.myShard();
        ClusterNode master = shard.nodes().getFirst();
        if (!sentinels.isEmpty()) {
            String[] address = SentinelFollower.askMaster(sentinels, shard.name());
            ClusterNode named = address == null ? null : shard.node(address[0], Integer.parseInt(address[1]));
            if (named != null) {
                master = named;
                Log.notice("Sentinel names " + named.address() + " master of shard " + shard.name());
            }
        }
        return master.equals(state.myself()) ? null : master.host() + " " + master.port();
    }

    /** Starts following Sentinel; {@code ownMaster} tells which master this node replicates now. */
    public void start(Supplier<String> ownMaster) {
        this.ownMaster = ownMaster;
        Log.notice("Cluster node " + state.myself().id() + " " + state.myself().address() + " of shard "
                + state.myself().shard() + ", " + state.topology().nodeCount() + " nodes in "
                + state.shards().size() + " shards");
        if (!sentinels.isEmpty()) {
            follower = new SentinelFollower(state, sentinels);
            follower.start();
        }
    }

    public ClusterState state() {
        return state;
    }

    public ClusterRouter router() {
        return router;
    }

    /** The view's slot moves, as a master sends them to a replica in a full sync. */
    public String viewText() {
        return String.join("\n", SlotMoves.lines(state));
    }

    /** A full sync from the master: its view becomes ours (under the command lock). */
    public void adoptView(String text) {
        SlotMoves.apply(state, text.lines().toList(), false);
        saveView();
    }

    /**
     * A slot move in the master's stream ({@code RDM.SLOT}): taken with the master's epoch, unless this
     * node already holds a newer one for the slot.
     */
    public void slotMovedByMaster(int slot, String shardName, long epoch) {
        Shard shard = state.topology().shard(shardName);
        if (shard != null && state.restore(slot, shard, epoch)) {
            saveView();
        }
    }

    /** A slot changed owner: saved before the command that moved it answers. */
    public void saveView() {
        try {
            nodesFile.save(state);
        } catch (IOException e) {
            Log.warning("Could not save the cluster view: " + e.getMessage());
        }
    }

    public void close() {
        if (follower != null) {
            follower.close();
        }
    }
}

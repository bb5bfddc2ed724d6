package io.redmap.cluster;

import io.redmap.server.Log;

import java.io.IOException;
import java.util.List;

/**
 * Follows Redis Sentinel's failovers for every shard ({@code cluster-sentinel host:port}): asks each
 * Sentinel for the current master of every shard when it connects, then listens to its
 * {@code +switch-master} announcements. Failover itself stays Sentinel's: this only keeps what
 * the node tells clients (CLUSTER SLOTS, -MOVED) in step with it. One thread per Sentinel,
 * reconnecting every second while it is unreachable.
 */
final class SentinelFollower {
    private static final int TIMEOUT_MILLIS = 2000;

    private final ClusterState state;
    private final List<String> sentinels;
    private volatile boolean closed;
    private volatile RespConnection[] connections;

    SentinelFollower(ClusterState state, List<String> sentinels) {
        this.state = state;
        this.sentinels = sentinels;
        this.connections = new RespConnection[sentinels.size()];
    }

    /**
     * The current master of a shard as the first Sentinel that answers knows it, or null: asked once
     * at start, so that a node that restarts after a failover follows the new master at once.
     */
    static String[] askMaster(List<String> sentinels, String shard) {
        for (String sentinel : sentinels) {
            String[] hostPort = split(sentinel);
            try (RespConnection connection = new RespConnection(hostPort[0], Integer.parseInt(hostPort[1]), TIMEOUT_MILLIS)) {
                if (connection.call("SENTINEL", "get-master-addr-by-name", shard) instanceof List<?> address
                        && address.size() == 2) {
                    return new String[] {RespConnection.text(address.get(0)), RespConnection.text(address.get(1))};
                }
            } catch (IOException | RuntimeException e) {
                Log.verbose("Sentinel " + sentinel + " did not answer for shard " + shard + ": " + e.getMessage());
            }
        }
        return null;
    }

    void start() {
        for (int i = 0; i < sentinels.size(); i++) {
            int index = i;
            Thread.ofPlatform().daemon().name("redmap-sentinel-" + sentinels.get(i)).start(() -> follow(index));
        }
    }

    private void follow(int index) {
        String sentinel = sentinels.get(index);
        String[] hostPort = split(sentinel);
        boolean reported = false;
        while (!closed) {
            try (RespConnection connection = new RespConnection(hostPort[0], Integer.parseInt(hostPort[1]), TIMEOUT_MILLIS)) {
                connections[index] = connection;
                for (Shard shard : state.shards()) {
                    if (connection.call("SENTINEL", "get-master-addr-by-name", shard.name()) instanceof List<?> address
                            && address.size() == 2) {
                        update(shard.name(), RespConnection.text(address.get(0)), RespConnection.text(address.get(1)));
                    }
                }
                connection.call("SUBSCRIBE", "+switch-master");
                connection.readTimeout(0);
                reported = false;
                while (!closed) {
                    if (connection.read() instanceof List<?> message && message.size() == 3
                            && "message".equals(RespConnection.text(message.get(0)))
                            && RespConnection.text(message.get(2)) instanceof String text) {
                        // <master name> <old ip> <old port> <new ip> <new port>
                        String[] words = text.split(" ");
                        if (words.length == 5) {
                            Log.notice("Sentinel " + sentinel + ": +switch-master " + text);
                            update(words[0], words[3], words[4]);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed && !reported) {
                    Log.warning("Sentinel " + sentinel + " unreachable (" + e.getMessage() + "): retrying every second");
                    reported = true;
                }
            }
            sleep();
        }
    }

    private void update(String shard, String host, String port) {
        if (state.topology().shard(shard) == null) {
            return; // a master this Sentinel watches besides the cluster's shards
        }
        try {
            if (!state.masterChanged(shard, host, Integer.parseInt(port))) {
                Log.warning("Sentinel names " + host + ":" + port + " master of " + shard
                        + ", which is not a node of that shard in the topology: ignored");
            }
        } catch (NumberFormatException e) {
            Log.warning("Sentinel named a master with port '" + port + "': ignored");
        }
    }

    private static String[] split(String address) {
        int colon = address.lastIndexOf(':');
        return new String[] {address.substring(0, colon), address.substring(colon + 1)};
    }

    private void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    void close() {
        closed = true;
        for (RespConnection connection : connections) {
            if (connection != null) {
                connection.close();
            }
        }
    }
}

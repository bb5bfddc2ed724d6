package io.redmap.replication;

import io.redmap.testing.RealRedis;
import redis.clients.jedis.Jedis;

import java.util.Map;

/**
 * A real Redis master and a real Redis replica (Debian's redis-server 7.0, through
 * {@link RealRedis}; the test is skipped without it), to compare redmap's replies and INFO with.
 */
final class RealPair implements AutoCloseable {
    final RealRedis master;
    final RealRedis replica;
    final Jedis masterClient;
    final Jedis replicaClient;

    private RealPair(RealRedis master, RealRedis replica) {
        this.master = master;
        this.replica = replica;
        this.masterClient = new Jedis("127.0.0.1", master.port(), 30_000);
        this.replicaClient = new Jedis("127.0.0.1", replica.port(), 30_000);
    }

    /** Starts both and waits until the replica's link is up. */
    static RealPair start(Nodes nodes) {
        RealRedis master = nodes.closeLater(RealRedis.start());
        RealRedis replica = nodes.closeLater(RealRedis.start());
        RealPair pair = nodes.closeLater(new RealPair(master, replica));
        pair.masterClient.configSet("repl-diskless-sync-delay", "0");
        pair.replicaClient.replicaof("127.0.0.1", master.port());
        nodes.await("the real replica's link to be up", () -> pair.replicaInfo().get("master_link_status"), "up"::equals);
        return pair;
    }

    Map<String, String> masterInfo() {
        return Node.parseInfo(masterClient.info("replication"));
    }

    Map<String, String> replicaInfo() {
        return Node.parseInfo(replicaClient.info("replication"));
    }

    @Override
    public void close() {
        masterClient.close();
        replicaClient.close();
    }
}

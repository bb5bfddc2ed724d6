package io.redmap.cluster;

import io.redmap.RedmapException;

import java.util.List;
import java.util.function.Predicate;

/**
 * Where a request is served, decided as Redis Cluster decides it (cluster.c, getNodeByQuery): here,
 * or a redirection the client follows ({@code -MOVED}, {@code -ASK}), or a refusal it retries
 * ({@code -TRYAGAIN}) or reports ({@code -CROSSSLOT}, {@code -CLUSTERDOWN}).
 */
public final class ClusterRouter {
    private final ClusterState state;

    public ClusterRouter(ClusterState state) {
        this.state = state;
    }

    /** What the router needs to know of the request besides its keys. */
    public record Request(boolean write, boolean asking, boolean readonly, boolean migrate) {
    }

    /**
     * Returns when this node serves the request; throws the redirection or refusal otherwise.
     *
     * @param keys the request's keys (for EXEC, those of every queued command)
     * @param exists whether a key is in this node's keyspace (asked only while its slot is open)
     */
    public void route(List<byte[]> keys, Predicate<byte[]> exists, Request request) {
        if (keys.isEmpty()) {
            return;
        }
        int slot = -1;
        ClusterNode migrating = null;
        ClusterNode importing = null;
        int missing = 0;
        int present = 0;
        for (byte[] key : keys) {
            int keySlot = SlotHash.slot(key);
            if (slot < 0) {
                slot = keySlot;
                if (state.ownerOf(slot).equals(state.myself())) {
                    migrating = state.migratingTo(slot);
                }
                importing = migrating == null ? state.importingFrom(slot) : null;
            } else if (keySlot != slot) {
                throw new RedmapException("CROSSSLOT", "Keys in request don't hash to the same slot");
            }
            if (migrating != null || importing != null) {
                if (exists.test(key)) {
                    present++;
                } else {
                    missing++;
                }
            }
        }
        if ((migrating != null || importing != null) && request.migrate()) {
            return; // MIGRATE moves keys of an open slot freely, as Redis
        }
        if (migrating != null && missing > 0) {
            if (present > 0) {
                throw tryAgain();
            }
            throw new RedmapException("ASK", slot + " " + migrating.address());
        }
        if (importing != null && request.asking()) {
            if (keys.size() > 1 && missing > 0) {
                throw tryAgain();
            }
            return;
        }
        ClusterNode owner = state.ownerOf(slot);
        if (owner.equals(state.myself())) {
            return;
        }
        boolean ownShard = owner.shard().equals(state.myself().shard());
        if (ownShard && request.readonly() && !request.write()) {
            return; // a replica of the slot's master serves reads to a client that asked READONLY
        }
        throw new RedmapException("MOVED", slot + " " + owner.address());
    }

    private static RedmapException tryAgain() {
        return new RedmapException("TRYAGAIN", "Multiple keys request during rehashing of slot");
    }
}

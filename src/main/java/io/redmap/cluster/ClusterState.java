package io.redmap.cluster;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * This node's view of the cluster: which shard serves each slot, with the config epoch of its last
 * move, the slots open for a move ({@code MIGRATING}/{@code IMPORTING}), and the current master of
 * every shard. It starts as the declared topology; slot moves ({@code CLUSTER SETSLOT ... NODE}) and
 * Sentinel's failovers change it. Slot changes happen under the command lock.
 */
public final class ClusterState {
    private final Topology topology;
    private final ClusterNode myself;
    /** The address of the master this node replicates ("host:port"), or null when it is a master. */
    private final Supplier<String> ownMaster;
    private final int[] slotShard = new int[SlotHash.SLOTS];
    private final long[] slotEpoch = new long[SlotHash.SLOTS];
    private final ClusterNode[] migratingTo = new ClusterNode[SlotHash.SLOTS];
    private final ClusterNode[] importingFrom = new ClusterNode[SlotHash.SLOTS];
    private final AtomicReferenceArray<ClusterNode> masters;
    private long currentEpoch;

    public ClusterState(Topology topology, ClusterNode myself, Supplier<String> ownMaster) {
        this.topology = topology;
        this.myself = myself;
        this.ownMaster = ownMaster;
        this.masters = new AtomicReferenceArray<>(topology.shards().size());
        for (Shard shard : topology.shards()) {
            masters.set(shard.index(), shard.nodes().getFirst());
        }
        resetToDeclared();
    }

    /** Every slot back with its declared shard, at epoch 0, none open (before adopting a master's view). */
    void resetToDeclared() {
        for (Shard shard : topology.shards()) {
            for (int slot = shard.declaredSlots().nextSetBit(0); slot >= 0; slot = shard.declaredSlots().nextSetBit(slot + 1)) {
                slotShard[slot] = shard.index();
                slotEpoch[slot] = 0;
                stable(slot);
            }
        }
        currentEpoch = 0;
    }

    public Topology topology() {
        return topology;
    }

    public ClusterNode myself() {
        return myself;
    }

    public Shard myShard() {
        return topology.shard(myself.shard());
    }

    public Shard shardOf(int slot) {
        return topology.shards().get(slotShard[slot]);
    }

    /** The node that serves a slot's writes now. */
    public ClusterNode ownerOf(int slot) {
        return masterOf(shardOf(slot));
    }

    /**
     * A shard's master now. For this node's own shard that is what replication says (a master
     * itself, or the master it follows), which is right from the moment Sentinel reconfigures it;
     * for the others, the declared master as Sentinel's announcements have moved it.
     */
    public ClusterNode masterOf(Shard shard) {
        if (shard.name().equals(myself.shard())) {
            String address = ownMaster.get();
            if (address == null) {
                return myself;
            }
            int colon = address.lastIndexOf(':');
            ClusterNode master = shard.node(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            if (master != null) {
                return master;
            }
        }
        return masters.get(shard.index());
    }

    /** Sentinel announced a shard's new master; an address outside the shard is ignored (returns false). */
    public boolean masterChanged(String shardName, String host, int port) {
        Shard shard = topology.shard(shardName);
        ClusterNode node = shard == null ? null : shard.node(host, port);
        if (node == null) {
            return false;
        }
        masters.set(shard.index(), node);
        return true;
    }

    public boolean isMaster(ClusterNode node) {
        return masterOf(topology.shard(node.shard())).equals(node);
    }

    /** The slots a shard serves now. */
    public BitSet slotsOf(Shard shard) {
        BitSet slots = new BitSet(SlotHash.SLOTS);
        for (int slot = 0; slot < SlotHash.SLOTS; slot++) {
            if (slotShard[slot] == shard.index()) {
                slots.set(slot);
            }
        }
        return slots;
    }

    public ClusterNode migratingTo(int slot) {
        return migratingTo[slot];
    }

    public ClusterNode importingFrom(int slot) {
        return importingFrom[slot];
    }

    public void migrating(int slot, ClusterNode target) {
        migratingTo[slot] = target;
    }

    public void importing(int slot, ClusterNode source) {
        importingFrom[slot] = source;
    }

    /** {@code CLUSTER SETSLOT slot STABLE}: the slot is no longer open. */
    public void stable(int slot) {
        migratingTo[slot] = null;
        importingFrom[slot] = null;
    }

    /** A slot moved to a shard: a new config epoch, and the slot is no longer open. */
    public long assign(int slot, Shard shard) {
        slotShard[slot] = shard.index();
        slotEpoch[slot] = ++currentEpoch;
        stable(slot);
        return slotEpoch[slot];
    }

    /**
     * A move remembered from before a restart, or learnt from the master: taken only if it is newer
     * than what this node holds, so that a stale view never overrides a newer one.
     */
    public boolean restore(int slot, Shard shard, long epoch) {
        if (epoch <= slotEpoch[slot]) {
            return false;
        }
        stable(slot);
        slotShard[slot] = shard.index();
        slotEpoch[slot] = epoch;
        currentEpoch = Math.max(currentEpoch, epoch);
        return true;
    }

    public long slotEpoch(int slot) {
        return slotEpoch[slot];
    }

    public long currentEpoch() {
        return currentEpoch;
    }

    /** A shard's config epoch: that of the latest slot move to it (0 while it serves its declared slots). */
    public long epochOf(Shard shard) {
        long epoch = 0;
        for (int slot = 0; slot < SlotHash.SLOTS; slot++) {
            if (slotShard[slot] == shard.index()) {
                epoch = Math.max(epoch, slotEpoch[slot]);
            }
        }
        return epoch;
    }

    public List<Shard> shards() {
        return topology.shards();
    }
}

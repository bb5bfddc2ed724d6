package io.redmap.replication;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This server's place in replication, as INFO replication and ROLE report it: its replication id
 * pair and offset (Redis's PSYNC2 model). Today every redmap is a master without replicas, whose
 * stream has carried nothing yet: a replication id made at start, no second id (forty zeros,
 * second offset -1) and offset 0, exactly what a new Redis master reports. The replication work
 * (REPLICAOF, the backlog, promotions keeping the old id as the second one) builds on this state.
 */
public final class ReplicationState {
    /** Redis's "no second id": forty zeros. */
    public static final String NO_ID = "0".repeat(40);

    private final String replicationId;

    public ReplicationState() {
        this.replicationId = newId();
    }

    /** 40 random hex characters: a replication id, and the server's run_id (Redis makes both alike). */
    public static String newId() {
        byte[] random = new byte[20];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** {@code master_replid}: the id of the history this server's offset counts in. */
    public String replicationId() {
        return replicationId;
    }

    /** {@code master_replid2}: the id of the history before the last promotion, or {@link #NO_ID}. */
    public String secondReplicationId() {
        return NO_ID;
    }

    /** {@code master_repl_offset}: bytes of the replication stream so far. */
    public long offset() {
        return 0;
    }

    /** {@code second_repl_offset}: up to where the second id is valid, -1 without one. */
    public long secondOffset() {
        return -1;
    }

    /** Replicas connected to this server (none until replication exists). */
    public int connectedReplicas() {
        return 0;
    }
}

package io.redmap.replication;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This server's place in a replication history, Redis's PSYNC2 model: the id of the history its
 * offset counts in, the offset (bytes of the write stream so far), and the id of the history before
 * the last change of master with the offset up to which it is still valid. A promoted replica keeps
 * its master's id as the second one, so that the other replicas continue with it by partial resync.
 * Changed under the command lock; read by INFO and ROLE from any thread.
 */
public final class ReplicationState {
    /** Redis's "no second id": forty zeros. */
    public static final String NO_ID = "0".repeat(40);

    private volatile String replicationId;
    private volatile String secondReplicationId = NO_ID;
    private volatile long offset;
    private volatile long secondOffset = -1;

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

    /** {@code master_replid2}: the id of the history before the last change of master, or {@link #NO_ID}. */
    public String secondReplicationId() {
        return secondReplicationId;
    }

    /** {@code master_repl_offset}: bytes of the replication stream so far. */
    public long offset() {
        return offset;
    }

    /** {@code second_repl_offset}: up to where the second id is valid, -1 without one. */
    public long secondOffset() {
        return secondOffset;
    }

    void advance(long bytes) {
        offset += bytes;
    }

    /**
     * Whether a replica asking for {@code offset} (the first byte it lacks) in history {@code id}
     * shares our history up to there: our current id, or our previous one up to where it ended.
     */
    boolean continues(String id, long wanted) {
        return id.equals(replicationId) || id.equals(secondReplicationId) && wanted <= secondOffset;
    }

    /**
     * A new history starts here (promotion, or a replica that starts following another master):
     * the current id becomes the second one, valid up to the current offset.
     */
    void shiftTo(String newId) {
        secondReplicationId = replicationId;
        secondOffset = offset + 1;
        replicationId = newId;
    }

    /** After a full sync: the master's history and offset are ours, with no second one. */
    void adopt(String id, long newOffset) {
        replicationId = id;
        offset = newOffset;
        secondReplicationId = NO_ID;
        secondOffset = -1;
    }

    /** At start, a replica's id and offset kept from its last clean shutdown. */
    void restore(String id, long savedOffset) {
        adopt(id, savedOffset);
    }
}

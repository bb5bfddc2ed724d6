package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.WriteBufferWaterMark;
import io.redmap.RedmapException;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;
import io.redmap.server.Log;
import io.redmap.server.ServerState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The replicas attached to this server, master side: PSYNC (a partial resync from the backlog, or a
 * full sync), what they tell us with REPLCONF (their port, their checksums, their acknowledgements),
 * and WAIT on those acknowledgements. Changed under the command lock; INFO reads it from any thread.
 */
public final class ReplicaSet {
    private static final WriteBufferWaterMark SYNC_WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);

    private final ServerState server;
    private final Replication replication;
    private final List<ReplicaLink> replicas = new CopyOnWriteArrayList<>();
    private final List<WaitReply> waiting = new ArrayList<>();
    private volatile long fullSyncs;
    private volatile long partialSyncsAccepted;
    private volatile long partialSyncsRefused;

    ReplicaSet(ServerState server, Replication replication) {
        this.server = server;
        this.replication = replication;
    }

    /**
     * PSYNC from a replica, under the command lock: {@code +CONTINUE} and the bytes it lacks when
     * the backlog holds them and our history is its own; otherwise {@code +FULLRESYNC} and the
     * manifest of a full sync, whose blocks the replica asks for once it has compared checksums.
     */
    public void psync(ClientSession session, String id, long wanted, Reply reply) {
        if (replication.isReplica() && !replication.masterLink().isOnline()) {
            throw RedmapException.err("Can't SYNC while not connected with my master");
        }
        if (linkOf(session) != null) {
            return; // already a replica: ignored, as Redis does
        }
        ReplicaLink link = new ReplicaLink(session, session.replicaListeningPort(), session.replicaAnnouncedIp());
        session.replicationRole(ClientType.REPLICA);
        ReplicationState state = replication.state();
        Backlog backlog = replication.backlog();
        boolean sameHistory = state.continues(id, wanted);
        if (backlog != null && sameHistory && backlog.covers(wanted)) {
            reply.simple("CONTINUE " + state.replicationId());
            ByteBuf missed = backlog.from(wanted, reply.buffer().alloc());
            reply.buffer().writeBytes(missed);
            missed.release();
            link.continued(wanted - 1);
            replicas.add(link);
            partialSyncsAccepted++;
            Log.notice("Partial resynchronization request from " + link.name() + " accepted, sending "
                    + (state.offset() - wanted + 1) + " bytes of backlog starting from offset " + wanted + ".");
            return;
        }
        if (!id.equals("?")) {
            partialSyncsRefused++;
        }
        logFullSyncReason(link.name(), id, wanted, sameHistory, state);
        server.keyspace().store().flushPendingAppends();
        SyncManifest manifest;
        try {
            manifest = SyncManifest.of(server.keyspace(), server.cluster() == null ? null : server.cluster().viewText());
        } catch (IOException e) {
            throw RedmapException.err("cannot start a full sync: " + e.getMessage());
        }
        replication.fullSyncStarts();
        fullSyncs++;
        link.fullSync(manifest);
        replicas.add(link);
        // Several blocks on their way keep the socket busy while the next one is read from disk;
        // still a bound (a few MiB per syncing replica), whatever the size of the files.
        session.channel().config().setWriteBufferWaterMark(SYNC_WATER_MARK);
        reply.simple("FULLRESYNC " + state.replicationId() + " " + state.offset());
        manifest.write(reply.buffer());
        Log.notice("Replica " + link.name() + " asks for synchronization: full sync of "
                + manifest.files().size() + " file(s) from offset " + state.offset());
    }

    /** Why a replica gets a full sync, in the words of Redis's log (operators grep for them). */
    private static void logFullSyncReason(String replica, String id, long wanted, boolean sameHistory,
                                          ReplicationState state) {
        if (id.equals("?")) {
            Log.notice("Full resync requested by replica " + replica);
        } else if (!sameHistory) {
            if (!id.equals(state.replicationId()) && !id.equals(state.secondReplicationId())) {
                Log.notice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '" + id
                        + "', my replication IDs are '" + state.replicationId() + "' and '" + state.secondReplicationId() + "')");
            } else {
                Log.notice("Partial resynchronization not accepted: Requested offset for second ID was " + wanted
                        + ", but I can reply up to " + state.secondOffset());
            }
        } else {
            Log.notice("Unable to partial resync with replica " + replica + " for lack of backlog (Replica request was: "
                    + wanted + ").");
            if (wanted > state.offset() + 1) {
                Log.warning("Warning: replica " + replica + " tried to PSYNC with an offset that is greater than the master"
                        + " replication offset.");
            }
        }
    }

    /**
     * REPLCONF from a replica (or from a replica to be, before its PSYNC): what it tells us about
     * itself, its acknowledgements, and in a full sync its checksums and the request for blocks.
     * Replies nothing to ACK, as Redis.
     */
    public void replconf(ClientSession session, Request args, Reply reply) {
        ReplicaLink link = linkOf(session);
        String first = lower(args.word(1));
        switch (first) {
            case "ack" -> {
                if (link != null && args.size() >= 3) {
                    link.acknowledged(args.parseLong(2));
                    answerWaiters();
                }
                return;
            }
            case "getack" -> {
                return; // only a master asks this of its replica
            }
            case "rdm-have" -> {
                if (args.size() != 4) {
                    throw RedmapException.err("syntax error");
                }
                requireSyncing(link).localChecksums().put((int) args.parseLong(2), args.word(3));
                return;
            }
            case "rdm-send" -> {
                ReplicaLink syncing = requireSyncing(link);
                syncing.sendingBlocks();
                reply.stream(new BlockStream(syncing, this::blocksSent));
                return;
            }
            default -> { }
        }
        if (args.size() % 2 == 0) {
            throw RedmapException.err("syntax error");
        }
        for (int i = 1; i < args.size(); i += 2) {
            switch (lower(args.word(i))) {
                case "listening-port" -> session.replicaListeningPort((int) args.parseLong(i + 1));
                case "ip-address" -> session.replicaAnnouncedIp(new String(args.word(i + 1), StandardCharsets.UTF_8));
                case "capa", "rdb-only", "rdb-filter-only" -> { }
                default -> throw RedmapException.err("Unrecognized REPLCONF option: "
                        + new String(args.word(i), StandardCharsets.UTF_8));
            }
        }
        reply.ok();
    }

    private static String lower(byte[] word) {
        return new String(word, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }

    private static ReplicaLink requireSyncing(ReplicaLink link) {
        if (link == null || link.manifest() == null) {
            throw RedmapException.err("no full sync in progress on this connection");
        }
        return link;
    }

    private void blocksSent(ReplicaLink link) {
        server.commandLock().lock();
        try {
            if (replicas.contains(link)) {
                link.online();
                Log.notice("Synchronization with replica " + link.name() + " succeeded");
            }
        } finally {
            server.commandLock().unlock();
        }
    }

    private ReplicaLink linkOf(ClientSession session) {
        for (ReplicaLink link : replicas) {
            if (link.session() == session) {
                return link;
            }
        }
        return null;
    }

    /** A connection closed: if it was a replica, it is one no longer. */
    public void disconnected(ClientSession session) {
        ReplicaLink link = linkOf(session);
        if (link != null) {
            replicas.remove(link);
            link.drop();
            Log.notice("Connection with replica " + link.name() + " lost.");
        }
    }

    /** Closes every replica's connection (this server changes master: they must sync again). */
    void disconnectAll() {
        for (ReplicaLink link : replicas) {
            link.session().channel().close();
        }
    }

    public List<ReplicaLink> all() {
        return List.copyOf(replicas);
    }

    boolean isEmpty() {
        return replicas.isEmpty();
    }

    /** Under the command lock: bytes of the write stream, to every replica. */
    void send(ByteBuf bytes) {
        var limit = server.config().outputBufferLimits().of(ClientType.REPLICA);
        for (ReplicaLink replica : replicas) {
            replica.send(bytes, limit);
        }
    }

    /** REPLICAOF: WAITs end with what they have, since our replicas go. */
    void failWaiters() {
        for (WaitReply wait : waiting) {
            wait.finish(0);
        }
        waiting.clear();
    }

    /** Once a second: replicas silent for longer than {@code timeoutMillis} are dropped. */
    void dropSilent(long now, long timeoutMillis) {
        for (ReplicaLink link : replicas) {
            if (link.state() == ReplicaLink.State.ONLINE && now - link.lastAckMillis() > timeoutMillis) {
                Log.warning("Disconnecting timedout replica: " + link.name());
                link.session().channel().close();
            }
        }
    }

    /** Replicas online whose last acknowledgement is at most {@code maxLagSeconds} old (min-replicas-to-write). */
    public int goodReplicas(long maxLagSeconds) {
        int good = 0;
        for (ReplicaLink link : replicas) {
            if (link.state() == ReplicaLink.State.ONLINE && link.lagSeconds() <= maxLagSeconds) {
                good++;
            }
        }
        return good;
    }

    /** Under the command lock: how many replicas have acknowledged the stream up to {@code offset}. */
    public int acknowledged(long offset) {
        int count = 0;
        for (ReplicaLink link : replicas) {
            if (link.state() == ReplicaLink.State.ONLINE && link.ackOffset() >= offset) {
                count++;
            }
        }
        return count;
    }

    /**
     * WAIT numreplicas timeout, under the command lock: the count at once when it is reached (or
     * inside MULTI), else a reply that waits for acknowledgements, asked for now with GETACK.
     */
    public void await(ClientSession session, int wanted, long timeoutMillis, Reply reply) {
        if (replication.isReplica()) {
            throw RedmapException.err("WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
        }
        long offset = replication.state().offset();
        int now = acknowledged(offset);
        if (now >= wanted || session.transaction().inMulti()) {
            reply.integer(now);
            return;
        }
        WaitReply wait = new WaitReply(offset, wanted, this::forget);
        waiting.add(wait);
        if (timeoutMillis > 0) {
            session.channel().eventLoop().schedule(() -> timedOut(wait), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        askForAcknowledgements();
        reply.stream(wait);
    }

    private void askForAcknowledgements() {
        replication.feedCommand("REPLCONF", "GETACK", "*");
    }

    private void timedOut(WaitReply wait) {
        server.commandLock().lock();
        try {
            wait.finish(acknowledged(wait.offset()));
            waiting.remove(wait);
        } finally {
            server.commandLock().unlock();
        }
    }

    private void forget(WaitReply wait) {
        server.commandLock().lock();
        try {
            waiting.remove(wait);
        } finally {
            server.commandLock().unlock();
        }
    }

    private void answerWaiters() {
        waiting.removeIf(wait -> {
            int count = acknowledged(wait.offset());
            if (count >= wait.wanted()) {
                wait.finish(count);
                return true;
            }
            return false;
        });
    }

    public long fullSyncs() {
        return fullSyncs;
    }

    public long partialSyncsAccepted() {
        return partialSyncsAccepted;
    }

    public long partialSyncsRefused() {
        return partialSyncsRefused;
    }
}

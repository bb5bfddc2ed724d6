package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.redmap.RedmapException;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;
import io.redmap.server.Log;
import io.redmap.server.ServerState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Replication, both ways: as a master, the replicas attached to us, the write stream they are sent
 * (kept in the backlog for partial resyncs) and WAIT; as a replica, the link to our master. The
 * stream and the replicas' states change under the command lock, in the order the commands ran.
 */
public final class Replication {
    private final ServerState server;
    private final ReplicationState state = new ReplicationState();
    private final List<ReplicaLink> replicas = new CopyOnWriteArrayList<>();
    private final List<WaitReply> waiting = new ArrayList<>();
    private Backlog backlog;
    /** The database the stream's last command ran in; -1 makes the next one start with SELECT. */
    private int streamDb = -1;
    private long lastPingMillis;
    private volatile MasterLink masterLink;
    private volatile long fullSyncs;
    private volatile long partialSyncsAccepted;
    private volatile long partialSyncsRefused;
    private EventLoopGroup loops;
    private Function<ClientSession, io.redmap.command.CommandDispatcher> dispatchers;

    public Replication(ServerState server) {
        this.server = server;
    }

    /** At start, once the network threads exist: where a replica's link to its master runs. */
    public void start(EventLoopGroup loops, io.redmap.command.CommandDispatcher dispatcher) {
        this.loops = loops;
        this.dispatchers = session -> dispatcher;
        ShutdownPoint.Point saved = ShutdownPoint.takeSaved(server.config().dir());
        if (saved != null) {
            state.restore(saved.id(), saved.offset());
            backlog = new Backlog(backlogSize(), saved.offset());
            Log.notice("Replication id and offset kept at the last shutdown: " + saved.id() + ":" + saved.offset());
        }
        String replicaOf = server.config().get("replicaof").trim();
        if (!replicaOf.isEmpty()) {
            String[] hostPort = replicaOf.split("\\s+");
            server.commandLock().lock();
            try {
                replicaOf(hostPort[0], Integer.parseInt(hostPort[1]));
            } finally {
                server.commandLock().unlock();
            }
        }
    }

    public ReplicationState state() {
        return state;
    }

    // ---- the write stream ------------------------------------------------------------------

    /** Whether writes are streamed (a backlog or replicas exist): else no effect need be built. */
    public boolean streaming() {
        return backlog != null || !replicas.isEmpty();
    }

    /**
     * How replicas name a file: inside our {@code dir} by its path relative to it (it goes to the
     * same place inside theirs), any other file by its absolute path.
     */
    public static String transferPath(Path dir, Path real) {
        return real.startsWith(dir) ? dir.relativize(real).toString() : real.toString();
    }

    /**
     * Under the command lock, after a command changed something: its effect goes to the backlog
     * and every replica, preceded by SELECT when it ran in another database than the last one.
     */
    public void propagate(int db, Request effect) {
        if (!streaming()) {
            return; // as Redis: without replicas or a backlog, the offset does not move
        }
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer(64);
        try {
            if (db != streamDb) {
                CommandEncoder.write(out, "SELECT", Integer.toString(db));
                streamDb = db;
            }
            CommandEncoder.write(out, effect);
            feed(out);
        } finally {
            out.release();
        }
    }

    /** Under the command lock: bytes of the stream, to the backlog and every replica. */
    void feed(ByteBuf bytes) {
        if (backlog == null) {
            backlog = new Backlog(backlogSize(), state.offset());
        }
        backlog.append(bytes);
        state.advance(bytes.readableBytes());
        var limit = server.config().outputBufferLimits().of(ClientType.REPLICA);
        for (ReplicaLink replica : replicas) {
            replica.send(bytes, limit);
        }
    }

    private int backlogSize() {
        return (int) Math.min(Integer.MAX_VALUE - 16, server.config().getLong("repl-backlog-size"));
    }

    /** CONFIG SET repl-backlog-size. */
    public void backlogSizeChanged() {
        server.commandLock().lock();
        try {
            if (backlog != null) {
                backlog.resize(backlogSize());
            }
        } finally {
            server.commandLock().unlock();
        }
    }

    /**
     * Once a second, under the command lock, as Redis's replicationCron: a master PINGs its replicas
     * every {@code repl-ping-replica-period} (so that they notice a silent master) and drops those
     * silent for {@code repl-timeout}; a replica drops a master link silent for that long.
     */
    public void everySecond() {
        long now = System.currentTimeMillis();
        long timeoutMillis = server.config().getLong("repl-timeout") * 1000;
        if (!replicas.isEmpty() && !isReplica()
                && now - lastPingMillis >= server.config().getLong("repl-ping-replica-period") * 1000) {
            lastPingMillis = now;
            ByteBuf ping = ByteBufAllocator.DEFAULT.buffer(16);
            try {
                CommandEncoder.write(ping, "PING");
                feed(ping);
            } finally {
                ping.release();
            }
        }
        for (ReplicaLink link : replicas) {
            if (link.state() == ReplicaLink.State.ONLINE && now - link.lastAckMillis() > timeoutMillis) {
                Log.warning("Disconnecting timedout replica: " + link.ip() + ":" + link.port());
                link.session().channel().close();
            }
        }
        MasterLink link = masterLink;
        if (link != null) {
            link.closeIfSilent(timeoutMillis);
        }
    }

    // ---- master side: replicas attaching -----------------------------------------------------

    /**
     * PSYNC from a replica, under the command lock: {@code +CONTINUE} and the bytes it lacks when
     * the backlog holds them and our history is its own; otherwise {@code +FULLRESYNC} and the
     * manifest of a full sync, whose blocks the replica asks for once it has compared checksums.
     */
    public void psync(ClientSession session, String id, long wanted, Reply reply) {
        if (isReplica() && !masterLink.isOnline()) {
            throw RedmapException.err("Can't SYNC while not connected with my master");
        }
        ReplicaLink link = new ReplicaLink(session, session.replicaListeningPort(), session.replicaAnnouncedIp());
        session.replicationRole(ClientType.REPLICA);
        if (backlog != null && state.continues(id, wanted) && backlog.covers(wanted)) {
            reply.simple("CONTINUE " + state.replicationId());
            ByteBuf missed = backlog.from(wanted, reply.buffer().alloc());
            reply.buffer().writeBytes(missed);
            missed.release();
            link.continued(wanted - 1);
            replicas.add(link);
            partialSyncsAccepted++;
            Log.notice("Partial resynchronization request from " + session.address() + " accepted, sending "
                    + (state.offset() - wanted + 1) + " bytes of backlog starting from offset " + wanted + ".");
            return;
        }
        if (!id.equals("?")) {
            partialSyncsRefused++;
        }
        server.keyspace().store().flushPendingAppends();
        SyncManifest manifest;
        try {
            manifest = SyncManifest.of(server.keyspace());
        } catch (IOException e) {
            throw RedmapException.err("cannot start a full sync: " + e.getMessage());
        }
        if (backlog == null) {
            backlog = new Backlog(backlogSize(), state.offset());
        }
        streamDb = -1; // the replica's stream starts with a SELECT
        fullSyncs++;
        link.fullSync(manifest);
        replicas.add(link);
        reply.simple("FULLRESYNC " + state.replicationId() + " " + state.offset());
        manifest.write(reply.buffer());
        Log.notice("Replica " + session.address() + " asks for synchronization: full sync of "
                + manifest.files().size() + " file(s) from offset " + state.offset());
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
                Log.notice("Synchronization with replica " + link.session().address() + " succeeded");
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
            Log.notice("Connection with replica " + link.ip() + ":" + link.port() + " lost.");
        }
    }

    /** Closes every replica's connection (this server changes master: they must sync again). */
    private void disconnectReplicas() {
        for (ReplicaLink link : replicas) {
            link.session().channel().close();
        }
    }

    public List<ReplicaLink> replicas() {
        return List.copyOf(replicas);
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

    // ---- WAIT ----------------------------------------------------------------------------------

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
        if (isReplica()) {
            throw RedmapException.err("WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
        }
        long offset = state.offset();
        int now = acknowledged(offset);
        if (now >= wanted || session.inMulti()) {
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
        ByteBuf getAck = ByteBufAllocator.DEFAULT.buffer(48);
        try {
            CommandEncoder.write(getAck, "REPLCONF", "GETACK", "*");
            feed(getAck);
        } finally {
            getAck.release();
        }
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

    // ---- replica side --------------------------------------------------------------------------

    public boolean isReplica() {
        return masterLink != null;
    }

    /** The link to our master, or null on a master. */
    public MasterLink masterLink() {
        return masterLink;
    }

    /**
     * REPLICAOF host port, under the command lock: follows that master from now on, continuing our
     * history with it when it shares it (PSYNC2), else by a full sync. Our own replicas are
     * disconnected, to sync again with us in our new history.
     */
    public boolean replicaOf(String host, int port) {
        MasterLink current = masterLink;
        if (current != null && current.host().equals(host) && current.port() == port) {
            return false;
        }
        if (current != null) {
            current.stop();
        }
        disconnectReplicas();
        failWaiters();
        masterLink = new MasterLink(server, this, host, port, loops, dispatchers.apply(null));
        masterLink.connect();
        Log.notice("Connecting to MASTER " + host + ":" + port);
        return true;
    }

    /** REPLICAOF NO ONE: a master from now on, in a new history that continues the old one. */
    public boolean promote() {
        MasterLink current = masterLink;
        if (current == null) {
            return false;
        }
        current.stop();
        masterLink = null;
        state.shiftTo(ReplicationState.newId());
        disconnectReplicas();
        Log.notice("MASTER MODE enabled (user request from '" + "replicaof no one" + "')");
        return true;
    }

    private void failWaiters() {
        for (WaitReply wait : waiting) {
            wait.finish(0);
        }
        waiting.clear();
    }

    /** After a full sync from our master, under the command lock: its history is ours. */
    void adoptHistory(String id, long offset) {
        state.adopt(id, offset);
        backlog = new Backlog(backlogSize(), offset);
        streamDb = -1;
        disconnectReplicas();
    }

    /** A partial resync with a master whose history id changed (it was promoted): ours moves with it. */
    void continueHistory(String id) {
        if (!id.equals(state.replicationId())) {
            state.shiftTo(id);
            disconnectReplicas();
        }
        if (backlog == null) {
            backlog = new Backlog(backlogSize(), state.offset());
        }
    }

    /** What our master sent and we applied, as it was sent: to our backlog and our own replicas. */
    void relay(ByteBuf bytes) {
        feed(bytes);
    }

    /** At a clean shutdown, files synced and catalogue saved: our place in the history, for after the restart. */
    public void saveShutdownPoint() {
        ShutdownPoint.save(server.config().dir(), state.replicationId(), state.offset());
    }

    // ---- INFO ----------------------------------------------------------------------------------

    public boolean backlogActive() {
        return backlog != null;
    }

    public long backlogFirstOffset() {
        return backlog == null ? 0 : backlog.firstOffset();
    }

    public long backlogLength() {
        return backlog == null ? 0 : backlog.length();
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

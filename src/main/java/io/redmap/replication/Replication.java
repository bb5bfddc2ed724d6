package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.redmap.protocol.Request;
import io.redmap.server.Log;
import io.redmap.server.ServerState;

import java.nio.file.Path;

/**
 * Replication, both ways: as a master, the replicas attached to us, the write stream they are sent
 * (kept in the backlog for partial resyncs) and WAIT; as a replica, the link to our master. The
 * stream and the replicas' states change under the command lock, in the order the commands ran.
 */
public final class Replication {
    private final ServerState server;
    private final ReplicationState state = new ReplicationState();
    private final ReplicaSet replicas;
    private Backlog backlog;
    /** The database the stream's last command ran in; -1 makes the next one start with SELECT. */
    private int streamDb = -1;
    /**
     * On a replica: the database its master's stream is in, as far as we applied it. Kept across
     * links (and restarts) so that a partial resync continues in it: the master sends no SELECT
     * for bytes it already sent once.
     */
    private volatile int appliedDb;
    private long lastPingMillis;
    /** Inside EXEC; and whether its MULTI is in the stream yet (only once something is written). */
    private boolean inTransaction;
    private boolean transactionOpened;
    private volatile MasterLink masterLink;
    private EventLoopGroup loops;
    private io.redmap.command.CommandDispatcher dispatcher;

    public Replication(ServerState server) {
        this.server = server;
        this.replicas = new ReplicaSet(server, this);
    }

    /** At start, once the network threads exist: where a replica's link to its master runs. */
    public void start(EventLoopGroup loops, io.redmap.command.CommandDispatcher dispatcher) {
        this.loops = loops;
        this.dispatcher = dispatcher;
        ShutdownPoint.Point saved = ShutdownPoint.takeSaved(server.config().dir(), server.keyspace().catalogueFile());
        if (saved != null) {
            state.restore(saved.id(), saved.offset());
            appliedDb = saved.db() < server.keyspace().databaseCount() ? saved.db() : 0;
            backlog = new Backlog(backlogSize(), saved.offset());
            Log.notice("Replication id and offset kept at the last shutdown: " + saved.id() + ":" + saved.offset());
        }
        String replicaOf = server.config().get("replicaof").trim();
        if (!replicaOf.isEmpty()) {
            String[] hostPort = replicaOf.split("\\s+");
            server.commandLock().lock();
            try {
                replicaOf(hostPort[0], Integer.parseInt(hostPort[1]), saved != null);
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
            if (inTransaction && !transactionOpened) {
                CommandEncoder.write(out, "MULTI");
                transactionOpened = true;
            }
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

    /** EXEC begins, under the command lock: its commands' effects will go between MULTI and EXEC. */
    public void beginTransaction() {
        inTransaction = true;
        transactionOpened = false;
    }

    /** EXEC ends: closes the transaction in the stream, if any of its commands wrote. */
    public void endTransaction() {
        if (transactionOpened) {
            feedCommand("EXEC");
        }
        inTransaction = false;
        transactionOpened = false;
    }

    /** Under the command lock: a command of the stream's own (PING, GETACK, EXEC), in no database. */
    void feedCommand(String... words) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer(64);
        try {
            CommandEncoder.write(out, words);
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
        replicas.send(bytes);
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
        if (replicas.isEmpty() || isReplica()) {
            // The period counts from when there are replicas to ping: a master just promoted (or
            // just given its first replica) does not PING them at once. A PING still on its way
            // when a replica is promoted leaves this master ahead of the new one, which then has
            // to send it a full sync; right after a failover, when a fail-back is likeliest, the
            // replicas have just been sent the stream anyway.
            lastPingMillis = now;
        } else if (now - lastPingMillis >= server.config().getLong("repl-ping-replica-period") * 1000) {
            lastPingMillis = now;
            feedCommand("PING");
        }
        replicas.dropSilent(now, timeoutMillis);
        MasterLink link = masterLink;
        if (link != null) {
            link.closeIfSilent(timeoutMillis);
        }
    }

    /** The replicas attached to us (master side: PSYNC, REPLCONF, WAIT). */
    public ReplicaSet replicas() {
        return replicas;
    }

    /** The backlog, or null before the first replica. */
    Backlog backlog() {
        return backlog;
    }

    /** A full sync starts at this offset: the backlog exists from here, and the stream restarts with a SELECT. */
    void fullSyncStarts() {
        if (backlog == null) {
            backlog = new Backlog(backlogSize(), state.offset());
        }
        streamDb = -1;
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
        if (masterLink == null) {
            // A master turned replica: its own stream's database is where its history stands.
            appliedDb = Math.max(streamDb, 0);
        }
        return replicaOf(host, port, true);
    }

    private boolean replicaOf(String host, int port, boolean historyKnown) {
        MasterLink current = masterLink;
        if (current != null && current.host().equals(host) && current.port() == port) {
            return false;
        }
        if (current != null) {
            current.stop();
        }
        replicas.disconnectAll();
        replicas.failWaiters();
        Log.role(true);
        masterLink = new MasterLink(server, this, host, port, loops, dispatcher, historyKnown);
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
        Log.role(false);
        state.shiftTo(ReplicationState.newId());
        streamDb = -1; // as Redis: the stream of the new history starts with a SELECT
        replicas.disconnectAll();
        Log.notice("MASTER MODE enabled (user request from '" + "replicaof no one" + "')");
        return true;
    }

    /** After a full sync from our master, under the command lock: its history is ours. */
    void adoptHistory(String id, long offset) {
        state.adopt(id, offset);
        backlog = new Backlog(backlogSize(), offset);
        streamDb = -1;
        replicas.disconnectAll();
    }

    /** A partial resync with a master whose history id changed (it was promoted): ours moves with it. */
    void continueHistory(String id) {
        if (!id.equals(state.replicationId())) {
            state.shiftTo(id);
            replicas.disconnectAll();
        }
        if (backlog == null) {
            backlog = new Backlog(backlogSize(), state.offset());
        }
    }

    /** What our master sent and we applied, as it was sent: to our backlog and our own replicas. */
    void relay(ByteBuf bytes) {
        feed(bytes);
    }

    int appliedDb() {
        return appliedDb;
    }

    void appliedDb(int db) {
        appliedDb = db;
    }

    /** At a clean shutdown, files synced and catalogue saved: our place in the history, for after the restart. */
    public void saveShutdownPoint() {
        ShutdownPoint.save(server.config().dir(), server.keyspace().catalogueFile(),
                new ShutdownPoint.Point(state.replicationId(), state.offset(), isReplica() ? appliedDb : Math.max(streamDb, 0)));
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
}

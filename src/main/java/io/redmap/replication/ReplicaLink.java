package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.redmap.BatchClock;
import io.redmap.server.ClientSession;
import io.redmap.server.Log;
import io.redmap.server.OutputBufferLimits;

import java.util.HashMap;
import java.util.Map;

/**
 * A replica attached to this master, as the master sees it: its connection, where it listens, how
 * far it has acknowledged the stream, and the stream written since its full sync began, held until
 * the sync's last block is sent. Guarded by the command lock, except the acknowledgement fields,
 * which INFO reads from any thread.
 */
public final class ReplicaLink {
    /** Redis's replica states as INFO shows them. */
    public enum State {
        /** Manifest sent; the replica compares checksums. */
        WAIT_BGSAVE("wait_bgsave"),
        /** Blocks on their way. */
        SEND_BULK("send_bulk"),
        ONLINE("online");

        private final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }

        public String infoName() {
            return infoName;
        }
    }

    private final ClientSession session;
    private volatile State state;
    private volatile String announcedIp;
    private volatile int listeningPort;
    private volatile long ackOffset;
    private volatile long lastAckMillis = System.currentTimeMillis();
    /** The replica's checksums of its copy of each manifest file (by index), until the blocks are sent. */
    private Map<Integer, byte[]> localChecksums = new HashMap<>();
    private SyncManifest manifest;
    /** The stream since the sync's offset, held until the replica is online. */
    private ByteBuf held;
    private final OutputBufferLimits.SoftLimitClock softLimit = new OutputBufferLimits.SoftLimitClock();
    /** The stream of this turn of the replica's event loop, not handed to its connection yet. */
    private ByteBuf gathered;
    private boolean handOverScheduled;

    ReplicaLink(ClientSession session, int listeningPort, String announcedIp) {
        this.session = session;
        this.listeningPort = listeningPort;
        this.announcedIp = announcedIp;
    }

    public ClientSession session() {
        return session;
    }

    public State state() {
        return state;
    }

    /** The address Sentinel and INFO show: announced by the replica, or its connection's. */
    public String ip() {
        return announcedIp != null ? announcedIp : session.remoteHost();
    }

    public int port() {
        return listeningPort;
    }

    /** How logs name the replica, as Redis's: the address it serves on. */
    String name() {
        return ip() + ":" + port();
    }

    public long ackOffset() {
        return ackOffset;
    }

    /** Seconds since the last acknowledgement (INFO's {@code lag}). */
    public long lagSeconds() {
        return (System.currentTimeMillis() - lastAckMillis) / 1000;
    }

    long lastAckMillis() {
        return lastAckMillis;
    }

    void acknowledged(long offset) {
        ackOffset = Math.max(ackOffset, offset);
        lastAckMillis = System.currentTimeMillis();
    }

    void fullSync(SyncManifest manifest) {
        this.manifest = manifest;
        this.state = State.WAIT_BGSAVE;
    }

    SyncManifest manifest() {
        return manifest;
    }

    Map<Integer, byte[]> localChecksums() {
        return localChecksums;
    }

    void sendingBlocks() {
        state = State.SEND_BULK;
    }

    /** Partial resync: straight to the stream. */
    void continued(long offset) {
        ackOffset = offset;
        lastAckMillis = System.currentTimeMillis();
        state = State.ONLINE;
    }

    /**
     * Under the command lock: bytes of the write stream for this replica, sent at once when it is
     * online, held while its sync runs (up to the replica class of client-output-buffer-limit,
     * beyond which it is disconnected and will sync again, as Redis does).
     */
    void send(ByteBuf bytes, OutputBufferLimits.Limit limit) {
        if (state == State.ONLINE) {
            gather(bytes);
            return;
        }
        if (held == null) {
            held = session.channel().alloc().buffer(Math.max(256, bytes.readableBytes()));
        }
        held.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
        if (limit.breached(held.readableBytes(), BatchClock.millis(), softLimit)) {
            Log.warning("Client " + name() + " (replica) closed for overcoming of output buffer limits ("
                    + held.readableBytes() + " bytes held during its sync)");
            drop();
            session.channel().close();
        }
    }

    /**
     * The stream for an online replica is gathered and handed to its connection once per turn of
     * its event loop, not once per command: one write of many commands, as Redis writes a replica's
     * buffer once per loop (a write call per command cost a third of a pipelined master's time).
     */
    private void gather(ByteBuf bytes) {
        boolean schedule;
        synchronized (this) {
            if (gathered == null) {
                gathered = session.channel().alloc().buffer(Math.max(1024, bytes.readableBytes()));
            }
            gathered.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
            schedule = !handOverScheduled;
            handOverScheduled = true;
        }
        if (schedule) {
            try {
                session.channel().eventLoop().execute(this::handOver);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                handOver(); // the server is stopping: the connection releases it
            }
        }
    }

    private void handOver() {
        ByteBuf bytes;
        synchronized (this) {
            bytes = gathered;
            gathered = null;
            handOverScheduled = false;
        }
        if (bytes != null) {
            session.send(bytes);
        }
    }

    /** The last block was sent: the stream held meanwhile follows, then the live stream. */
    void online() {
        if (manifest != null) {
            manifest.close();
            manifest = null;
        }
        localChecksums = null;
        lastAckMillis = System.currentTimeMillis();
        state = State.ONLINE;
        if (held != null) {
            ByteBuf bytes = held;
            held = null;
            session.send(bytes);
        }
    }

    /** The connection went away: what it held is released. */
    void drop() {
        if (manifest != null) {
            manifest.close();
            manifest = null;
        }
        if (held != null) {
            held.release();
            held = null;
        }
        synchronized (this) {
            if (gathered != null) {
                gathered.release();
                gathered = null;
            }
        }
    }
}

package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.redmap.RedmapException;
import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Keyspace;
import io.redmap.keyspace.KeyspaceNotSaved;
import io.redmap.persistence.Catalogue;
import io.redmap.protocol.Request;
import io.redmap.server.Log;
import io.redmap.server.ServerState;
import io.redmap.store.ArraySpec;
import io.redmap.store.ElementShape;
import io.redmap.type.ElementType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A full sync, on the replica: the master's manifest (keys, then files with their sizes), our
 * checksums of the files we already hold, the blocks that differ, and at the end the switch to the
 * master's keyspace. Files are written by the link's file thread, never on an event loop; until
 * the switch, clients keep reading our previous keys and files, and a sync that fails leaves them
 * as they were.
 */
final class SyncReceiver {
    /**
     * Received blocks waiting for the file thread beyond this pause reading from the master: a few
     * blocks keep the disk busy; more only grow the heap (64 MiB made a replica's RssAnon 450 MB).
     */
    private static final long MAX_QUEUED_BYTES = 8L << 20;

    private final ServerState server;
    private final Replication replication;
    private final ChannelHandlerContext link;
    private final ExecutorService fileThread;
    private final String masterReplicationId;
    private final long masterOffset;
    private final Runnable onSwitched;
    private final Consumer<String> onFailure;
    private final List<Catalogue.Entry> keys = new ArrayList<>();
    private final List<IncomingFile> files = new ArrayList<>();
    private volatile long bytesReceived;
    /** The master's slot moves (cluster mode), adopted with its keyspace. */
    private String clusterView;
    /** Bytes of blocks handed to the file thread and not written yet (event loop only). */
    private long queuedBytes;
    private boolean ended;

    /**
     * @param onSwitched run on the link's event loop once our keyspace is the master's
     * @param onFailure  run on the link's event loop with the reason when the sync fails
     */
    SyncReceiver(ServerState server, Replication replication, ChannelHandlerContext link, ExecutorService fileThread,
                 String masterReplicationId, long masterOffset, Runnable onSwitched, Consumer<String> onFailure) {
        this.server = server;
        this.replication = replication;
        this.link = link;
        this.fileThread = fileThread;
        this.masterReplicationId = masterReplicationId;
        this.masterOffset = masterOffset;
        this.onSwitched = onSwitched;
        this.onFailure = onFailure;
    }

    /**
     * A frame of the sync, on the link's event loop.
     *
     * @return true at {@code RDM.END}: what follows is the write stream, held until the switch
     */
    boolean frame(Request frame) throws IOException {
        String name = new String(frame.word(0), StandardCharsets.US_ASCII);
        switch (name) {
            case "RDM.KEY" -> key(frame);
            case "RDM.FILE" -> file(frame);
            case "RDM.SLOTS" -> clusterView = new String(frame.word(1), StandardCharsets.UTF_8);
            case "RDM.MANIFEST" -> {
                manifestEnd(frame);
                onFileThread(this::sendChecksums);
            }
            case "RDM.BLOCK" -> {
                long size = frame.word(3).length;
                queuedBytes += size;
                if (queuedBytes > MAX_QUEUED_BYTES) {
                    link.channel().config().setAutoRead(false);
                }
                onFileThread(() -> {
                    block(frame);
                    link.executor().execute(() -> written(size));
                });
            }
            case "RDM.END" -> {
                ended = true;
                link.channel().config().setAutoRead(false); // the stream waits for the switch
                onFileThread(() -> {
                    finishFiles();
                    switchKeyspace();
                    link.executor().execute(onSwitched);
                });
                return true;
            }
            default -> throw new IllegalStateException("unexpected frame in a full sync: " + name);
        }
        return false;
    }

    private void written(long size) {
        queuedBytes -= size;
        if (queuedBytes <= MAX_QUEUED_BYTES / 2 && !ended) {
            link.channel().config().setAutoRead(true);
        }
    }

    /** Our checksums of the files we hold (computed on the file thread: they may be huge), then the request for blocks. */
    private void sendChecksums() throws IOException {
        for (int i = 0; i < files.size(); i++) {
            byte[] sums = files.get(i).localChecksums();
            if (sums != null) {
                ByteBuf out = link.alloc().buffer(sums.length + 64);
                CommandEncoder.write(out, bytes("REPLCONF"), bytes("RDM-HAVE"), bytes(Integer.toString(i)), sums);
                link.write(out, link.voidPromise());
            }
        }
        ByteBuf send = link.alloc().buffer(32);
        CommandEncoder.write(send, "REPLCONF", "RDM-SEND");
        link.writeAndFlush(send, link.voidPromise());
    }

    /** File work runs in order on the file thread; a failure there ends the sync. */
    private void onFileThread(FileWork work) {
        try {
            fileThread.execute(() -> {
                try {
                    work.run();
                } catch (Exception e) {
                    link.executor().execute(() -> onFailure.accept("writing the files of the sync: " + e.getMessage()));
                }
            });
        } catch (RejectedExecutionException stopped) {
            onFailure.accept("the link to the master was stopped");
        }
    }

    @FunctionalInterface
    private interface FileWork {
        void run() throws Exception;
    }

    /** The link went down before the end: temporary files go, on the file thread after any write in flight. */
    void abandon() {
        try {
            fileThread.execute(this::abort);
        } catch (RejectedExecutionException stopped) {
            // REPLICAOF stopped the link, and with it the file thread, which still runs the writes
            // it holds: a write after an abort here would make the temporary file again, for good.
            // So the abort waits for them, off the event loop.
            Thread.ofPlatform().name("redmap-sync-abort").daemon().start(this::abortAfterTheFileThread);
        }
    }

    private void abortAfterTheFileThread() {
        try {
            while (!fileThread.awaitTermination(1, TimeUnit.MINUTES)) {
                Log.warning("MASTER <-> REPLICA sync: still waiting for the file writes of an abandoned sync to end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abort();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code RDM.KEY db key path type value-size dim w|r [shape]}: the shape when DIM does not say it. */
    private void key(Request frame) {
        int db = (int) frame.parseLong(1);
        if (db < 0 || db >= server.keyspace().databaseCount()) {
            throw RedmapException.err("the master has database " + db + ", this server has "
                    + server.keyspace().databaseCount() + " (databases)");
        }
        ElementType type = ElementType.require(text(frame, 4));
        ElementShape shape = frame.size() > 8 ? shape(text(frame, 8)) : ElementShape.ofDim((int) frame.parseLong(6));
        ArraySpec spec = new ArraySpec(text(frame, 3), type, (int) frame.parseLong(5), shape, text(frame, 7).equals("w"));
        keys.add(new Catalogue.Entry(db, frame.word(2), spec));
    }

    /** {@code RDM.FILE index path size}: where it goes here, refused when that is outside our allowed paths. */
    private void file(Request frame) throws IOException {
        int index = (int) frame.parseLong(1);
        if (index != files.size()) {
            throw RedmapException.err("file " + index + " out of order in the manifest");
        }
        String path = text(frame, 2);
        files.add(new IncomingFile(server.keyspace().store().files().policy().resolve(path), frame.parseLong(3),
                server.config().fileMode()));
    }

    /** {@code RDM.MANIFEST keys files}: the counts, to check that nothing was lost. */
    private void manifestEnd(Request frame) {
        if (frame.parseLong(1) != keys.size() || frame.parseLong(2) != files.size()) {
            throw RedmapException.err("the manifest does not hold what it announces");
        }
    }

    List<IncomingFile> files() {
        return files;
    }

    long bytesReceived() {
        return bytesReceived;
    }

    long bytesExpected() {
        long total = 0;
        for (IncomingFile file : files) {
            total += file.size();
        }
        return total;
    }

    /** On the file thread: {@code RDM.BLOCK index offset bytes}. */
    private void block(Request frame) throws IOException {
        int index = (int) frame.parseLong(1);
        long offset = frame.parseLong(2);
        byte[] data = frame.word(3);
        if (index < 0 || index >= files.size() || offset < 0 || offset + data.length > files.get(index).size()) {
            throw RedmapException.err("a block outside the files of the manifest");
        }
        files.get(index).write(offset, ByteBuffer.wrap(data));
        bytesReceived += data.length;
    }

    /** On the file thread, at {@code RDM.END}: every changed file complete and durable beside its target. */
    private void finishFiles() throws IOException {
        for (IncomingFile file : files) {
            file.finish();
        }
    }

    /**
     * Under the command lock: our keyspace becomes the master's. The complete files replace ours,
     * then the keys are mapped again, and the catalogue is saved once.
     */
    private void switchKeyspace() throws IOException {
        server.commandLock().lock();
        try {
            if (!link.channel().isActive()) {
                // REPLICAOF elsewhere, or the master went away, while the files were finished.
                throw new IOException("the link to the master closed before the end of the sync");
            }
            switchKeyspaceLocked();
            if (clusterView != null && server.cluster() != null) {
                server.cluster().adoptView(clusterView);
            }
            replication.adoptHistory(masterReplicationId, masterOffset);
        } finally {
            server.commandLock().unlock();
        }
    }

    private void switchKeyspaceLocked() throws IOException {
        Keyspace keyspace = server.keyspace();
        keyspace.flushAll();
        int changed = 0;
        for (IncomingFile file : files) {
            if (file.changed()) {
                changed++;
            }
            file.commit();
        }
        List<String> problems = new ArrayList<>();
        for (Catalogue.Entry entry : keys) {
            try {
                keyspace.map(entry.db(), ByteKey.wrap(entry.key()), entry.spec(), false);
            } catch (RedmapException e) {
                problems.add(new String(entry.key(), StandardCharsets.UTF_8) + ": " + e.getMessage());
            }
        }
        try {
            keyspace.commit();
        } catch (KeyspaceNotSaved e) {
            throw new IOException("the keyspace catalogue cannot be saved: " + e.reason());
        }
        for (String problem : problems) {
            Log.warning("MASTER <-> REPLICA sync: a key of the master could not be mapped here: " + problem);
        }
        Log.notice("MASTER <-> REPLICA sync: " + keys.size() + " key(s), " + files.size() + " file(s), "
                + changed + " changed, " + bytesReceived + " bytes received");
    }

    /** The sync failed or was abandoned: temporary files go, our files stay as they were. */
    private void abort() {
        for (IncomingFile file : files) {
            file.abort();
        }
    }

    private static ElementShape shape(String text) {
        try {
            return ElementShape.parse(text);
        } catch (IllegalArgumentException e) {
            throw RedmapException.err("bad element shape " + text + " in the manifest");
        }
    }

    private static String text(Request frame, int index) {
        return new String(frame.word(index), StandardCharsets.UTF_8);
    }
}

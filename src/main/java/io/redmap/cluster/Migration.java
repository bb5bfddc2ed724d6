package io.redmap.cluster;

import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Keyspace;
import io.redmap.protocol.PendingReply;
import io.redmap.protocol.Request;
import io.redmap.pubsub.KeyspaceEvents;
import io.redmap.replication.BlockChecksums;
import io.redmap.replication.Replication;
import io.redmap.server.Log;
import io.redmap.server.ServerState;
import io.redmap.store.MappedArray;
import io.redmap.store.MappedFile;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * MIGRATE on the source, on a thread of its own while the client's reply waits: for each key, its
 * file goes to the target in two passes. The first, without the command lock, sends the blocks the
 * target lacks while clients go on reading and writing the key. The second, under the command
 * lock, sends the blocks written meanwhile, then the key's metadata; once the target has mapped
 * it, the key is removed here (unless COPY) in the same locked step. So every write acknowledged
 * before the key moved is in the target's copy, and every later one is -ASK'ed to the target.
 */
public final class Migration implements Runnable {
    /**
     * A key to move (of database {@code db} here): its file as this node opened it (and its path),
     * and as the target is to name it.
     */
    public record Key(int db, ByteKey key, MappedFile file, String realPath, String transferPath) {
    }

    /** Where to and how: MIGRATE's arguments. */
    public record Target(String host, int port, int db, int timeoutMillis, boolean copy, boolean replace,
                         String user, String password) {
    }

    /** The target refused (its error, passed on to the client as Redis does), or this node could not finish. */
    private static final class Refused extends Exception {
        private final boolean byTarget;

        Refused(String text, boolean byTarget) {
            super(text, null, false, false);
            this.byTarget = byTarget;
        }

        String replyText() {
            return byTarget ? "ERR Target instance replied with error: " + getMessage() : getMessage();
        }
    }

    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

    private final ServerState server;
    private final Target target;
    private final List<Key> keys;
    private final PendingReply reply;
    private final byte[] block = new byte[BlockChecksums.BLOCK_BYTES];
    /** What the target was doing when the connection failed, for Redis's IOERR texts. */
    private String step = "connecting to the client";

    public Migration(ServerState server, Target target, List<Key> keys, PendingReply reply) {
        this.server = server;
        this.target = target;
        this.keys = keys;
        this.reply = reply;
    }

    @Override
    public void run() {
        try (RespConnection connection = new RespConnection(target.host(), target.port(), target.timeoutMillis(),
                server.tls().clusterLinks())) {
            step = "writing to target instance";
            authenticate(connection);
            int moved = 0;
            for (Key key : keys) {
                moved += move(connection, key) ? 1 : 0;
            }
            reply.complete(moved > 0 ? "OK" : "NOKEY");
        } catch (Refused e) {
            reply.fail(e.replyText());
        } catch (ConnectException | UnknownHostException e) {
            reply.fail("IOERR error or timeout connecting to the client");
        } catch (SocketTimeoutException e) {
            reply.fail("IOERR error or timeout " + step);
        } catch (IOException e) {
            Log.warning("MIGRATE to " + target.host() + ":" + target.port() + " failed: " + e.getMessage());
            reply.fail("IOERR error or timeout " + step);
        } catch (RuntimeException e) {
            Log.warning("MIGRATE to " + target.host() + ":" + target.port() + " failed: " + e);
            reply.fail("ERR MIGRATE failed: " + e.getMessage());
        }
    }

    private void authenticate(RespConnection connection) throws IOException, Refused {
        if (target.password() == null) {
            return;
        }
        Object answer = target.user() == null ? ask(connection, bytes("AUTH"), bytes(target.password()))
                : ask(connection, bytes("AUTH"), bytes(target.user()), bytes(target.password()));
        refusal(answer);
    }

    /**
     * Moves one key; false when it went away before its turn (nothing to move). Without the lock,
     * the blocks the target lacks, then (at most twice) those written meanwhile; under the lock, the
     * file is read again only if something was written since the last pass began.
     */
    private boolean move(RespConnection connection, Key key) throws IOException, Refused {
        try (FileChannel file = FileChannel.open(Path.of(key.realPath()), StandardOpenOption.READ)) {
            long seen = key.file().changes(); // before reading: a write while it reads shows as a change
            long size = file.size();
            Object theirs = ask(connection, bytes("RDM.IMPORT.BEGIN"), bytes(Integer.toString(target.db())), key.key().bytes(),
                    bytes(key.transferPath()), bytes(Long.toString(size)), bytes(target.replace() ? "REPLACE" : "KEEP"));
            refusal(theirs);
            byte[] sums = BlockChecksums.of(file, size);
            sendDiffering(connection, file, size, (byte[]) theirs, sums, -1);
            for (int pass = 0; pass < 2 && (key.file().changes() != seen || file.size() != size); pass++) {
                seen = key.file().changes();
                long newSize = file.size();
                byte[] newSums = BlockChecksums.of(file, newSize);
                sendDiffering(connection, file, newSize, sums, newSums, resendFrom(size, newSize));
                size = newSize;
                sums = newSums;
            }
            // The target syncs what it has now: the last pass, while clients here wait, syncs only the rest.
            refusal(ask(connection, bytes("RDM.IMPORT.FLUSH")));
            ReentrantLock lock = server.commandLock();
            lock.lock();
            try {
                MappedArray array = server.keyspace().get(key.db(), key.key());
                if (array == null || array.file() != key.file()) {
                    return false; // deleted or remapped meanwhile: what is here now is not what was sent
                }
                server.keyspace().store().flushPendingAppends();
                long finalSize = array.file().length();
                if (key.file().changes() != seen || finalSize != size) {
                    byte[] last = BlockChecksums.of(file, finalSize);
                    sendDiffering(connection, file, finalSize, sums, last, resendFrom(size, finalSize));
                }
                refusal(ask(connection, importKey(finalSize, array)));
                if (!target.copy()) {
                    removeHere(key, array);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * {@code RDM.IMPORT.KEY size type value_size dim w|r [shape]}: the key's metadata. The shape
     * goes only when DIM does not say it, so that a target that knew only DIM takes every key it
     * can map as before.
     */
    private static byte[][] importKey(long size, MappedArray array) {
        List<byte[]> words = new ArrayList<>(List.of(bytes("RDM.IMPORT.KEY"), bytes(Long.toString(size)),
                bytes(array.codec().type().canonicalName()), bytes(Integer.toString(array.codec().size())),
                bytes(Integer.toString(array.dim())), bytes(array.isWritable() ? "w" : "r")));
        if (!array.elementShape().saidByDim()) {
            words.add(bytes(array.elementShape().text()));
        }
        return words.toArray(byte[][]::new);
    }

    /** Where a pass must send every block again: the block where the shorter size ended, when the size changed (else -1). */
    private static int resendFrom(long size, long newSize) {
        return newSize != size ? (int) (Math.min(size, newSize) / BlockChecksums.BLOCK_BYTES) : -1;
    }

    /**
     * Sends the blocks of the file's first {@code size} bytes whose checksum is not in {@code held}
     * (what the target holds), and every block from {@code resendFrom} on (when not negative).
     */
    private void sendDiffering(RespConnection connection, FileChannel file, long size, byte[] held, byte[] sums,
                               int resendFrom) throws IOException, Refused {
        int blocks = BlockChecksums.blocks(size);
        int unanswered = 0;
        for (int i = 0; i < blocks; i++) {
            Integer mine = BlockChecksums.get(sums, i);
            if (resendFrom < 0 || i < resendFrom) {
                if (mine.equals(BlockChecksums.get(held, i))) {
                    continue;
                }
            }
            long offset = (long) i * BlockChecksums.BLOCK_BYTES;
            int length = (int) Math.min(BlockChecksums.BLOCK_BYTES, size - offset);
            BlockChecksums.readFully(file, ByteBuffer.wrap(block, 0, length), offset);
            connection.send(new byte[][] {bytes("RDM.IMPORT.BLOCK"), bytes(Long.toString(offset))}, block, length);
            // A few blocks in flight keep the link busy; their answers are read before more go.
            if (++unanswered == 8) {
                unanswered = readAnswers(connection, unanswered);
            }
        }
        readAnswers(connection, unanswered);
    }

    /** One request and its answer, naming the step for Redis's IOERR texts. */
    private Object ask(RespConnection connection, byte[]... request) throws IOException {
        step = "writing to target instance";
        connection.send(request);
        connection.flush();
        step = "reading to target instance";
        Object answer = connection.read();
        step = "writing to target instance";
        return answer;
    }

    private int readAnswers(RespConnection connection, int count) throws IOException, Refused {
        connection.flush();
        step = "reading to target instance";
        for (int i = 0; i < count; i++) {
            refusal(connection.read());
        }
        step = "writing to target instance";
        return 0;
    }

    /**
     * The key has moved: it goes from here as a DEL would (replicas, watchers, keyspace events,
     * the catalogue), and its file goes too when this server created it, in its own {@code dir}.
     */
    private void removeHere(Key key, MappedArray array) throws Refused {
        Keyspace keyspace = server.keyspace();
        int db = key.db();
        long changes = keyspace.changes();
        keyspace.delete(db, key.key());
        Replication replication = server.replication();
        if (replication.streaming() && !replication.isReplica()) {
            replication.propagate(db, Request.of(DEL, key.key().bytes()));
        }
        server.watches().touch(db, key.key());
        server.keyspaceEvents().notify(KeyspaceEvents.GENERIC, "del", db, key.key(), null, null);
        String undone = server.keyspaceCommit().saveNow(changes);
        if (undone != null) {
            // The target has the key and so do we: nothing is lost, and the client hears why.
            throw new Refused(undone, false);
        }
        Path file = Path.of(key.realPath());
        boolean ownFile = keyspace.createdHere(key.realPath()) && file.startsWith(keyspace.store().files().policy().dir());
        if (ownFile && !stillOpen(key.realPath())) {
            try {
                Files.deleteIfExists(file);
                keyspace.forgetCreated(key.realPath());
            } catch (IOException e) {
                Log.warning("MIGRATE moved " + key.key() + " but could not delete its file " + key.realPath() + ": "
                        + e.getMessage());
            }
        }
    }

    private boolean stillOpen(String path) {
        for (MappedFile file : server.keyspace().store().files().openFiles()) {
            if (file.path().equals(path)) {
                return true;
            }
        }
        return false;
    }

    private static void refusal(Object answer) throws Refused {
        if (answer instanceof RespConnection.Error error) {
            throw new Refused(error.text(), true);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.redmap.replication;

import io.redmap.RedmapException;
import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Keyspace;
import io.redmap.keyspace.KeyspaceNotSaved;
import io.redmap.persistence.Catalogue;
import io.redmap.protocol.Request;
import io.redmap.server.Log;
import io.redmap.server.ServerState;
import io.redmap.store.ArraySpec;
import io.redmap.type.ElementType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A full sync, on the replica: the master's manifest (keys, then files with their sizes), our
 * checksums of the files we already hold, the blocks that differ, and at the end the switch to the
 * master's keyspace. Files are written by the link's file thread, never on an event loop; until
 * the switch, clients keep reading our previous keys and files, and a sync that fails leaves them
 * as they were.
 */
final class SyncReceiver {
    private final ServerState server;
    private final List<Catalogue.Entry> keys = new ArrayList<>();
    private final List<IncomingFile> files = new ArrayList<>();
    private long bytesReceived;

    SyncReceiver(ServerState server) {
        this.server = server;
    }

    /** {@code RDM.KEY db key path type value-size dim w|r}. */
    void key(Request frame) {
        int db = (int) frame.parseLong(1);
        if (db < 0 || db >= server.keyspace().databaseCount()) {
            throw RedmapException.err("the master has database " + db + ", this server has "
                    + server.keyspace().databaseCount() + " (databases)");
        }
        ElementType type = ElementType.require(text(frame, 4));
        ArraySpec spec = new ArraySpec(text(frame, 3), type, (int) frame.parseLong(5), (int) frame.parseLong(6),
                text(frame, 7).equals("w"));
        keys.add(new Catalogue.Entry(db, frame.word(2), spec));
    }

    /** {@code RDM.FILE index path size}: where it goes here, refused when that is outside our allowed paths. */
    void file(Request frame) throws IOException {
        int index = (int) frame.parseLong(1);
        if (index != files.size()) {
            throw RedmapException.err("file " + index + " out of order in the manifest");
        }
        String path = text(frame, 2);
        files.add(new IncomingFile(server.keyspace().store().files().policy().resolve(path), frame.parseLong(3)));
    }

    /** {@code RDM.MANIFEST keys files}: the counts, to check that nothing was lost. */
    void manifestEnd(Request frame) {
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
    void block(Request frame) throws IOException {
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
    void finishFiles() throws IOException {
        for (IncomingFile file : files) {
            file.finish();
        }
    }

    /**
     * Under the command lock: our keyspace becomes the master's. The complete files replace ours,
     * then the keys are mapped again, and the catalogue is saved once.
     */
    void switchKeyspace() throws IOException {
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
    void abort() {
        for (IncomingFile file : files) {
            file.abort();
        }
    }

    private static String text(Request frame, int index) {
        return new String(frame.word(index), StandardCharsets.UTF_8);
    }
}

package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Database;
import io.redmap.keyspace.Keyspace;
import io.redmap.store.ElementShape;
import io.redmap.store.MappedArray;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a full sync sends first, taken under the command lock at the offset the sync starts from:
 * every key (database, name, file, type, shape, writable flag) and every file with its size then.
 * A file inside the master's {@code dir} is named relative to it, so that it lands at the same place
 * inside the replica's; any other file by its absolute path. The files are opened here, so that a
 * file renamed or deleted during the sync is still read as it was.
 *
 * <p>Frames (RESP arrays): {@code RDM.KEY db key path type value-size dim w|r [shape]} per key (the
 * element shape as a tuple, {@code (3,4)}, when DIM does not say it),
 * {@code RDM.FILE index path size} per file, in cluster mode {@code RDM.SLOTS moves} (the slot
 * moves of the master's view), then {@code RDM.MANIFEST keys files}.
 */
final class SyncManifest implements AutoCloseable {
    record SyncedFile(int index, String path, long size, FileChannel channel) {
    }

    private final List<byte[][]> keys = new ArrayList<>();
    private final List<SyncedFile> files = new ArrayList<>();
    /** In cluster mode, the master's slot moves (the replica adopts them), else null. */
    private String clusterView;

    /** Under the command lock, with pending appends flushed: the keyspace (and cluster view) at this offset. */
    static SyncManifest of(Keyspace keyspace, String clusterView) throws IOException {
        SyncManifest manifest = new SyncManifest();
        manifest.clusterView = clusterView;
        Path dir = keyspace.store().files().policy().dir();
        // Right after a start most files may not be opened yet: all at once on the machine's
        // cores rather than one by one as the listing below reaches their keys.
        keyspace.store().openAllDeferred();
        Map<String, SyncedFile> byPath = new LinkedHashMap<>();
        try {
            for (int db = 0; db < keyspace.databaseCount(); db++) {
                Database database = keyspace.database(db);
                for (ByteKey key : database.keys()) {
                    MappedArray array = database.get(key);
                    String path = Replication.transferPath(dir, Path.of(array.file().path()));
                    SyncedFile file = byPath.get(path);
                    if (file == null) {
                        FileChannel channel = FileChannel.open(Path.of(array.file().path()), StandardOpenOption.READ);
                        file = new SyncedFile(byPath.size(), path, array.file().length(), channel);
                        byPath.put(path, file);
                        manifest.files.add(file);
                    }
                    manifest.keys.add(keyFrame(db, key, path, array));
                }
            }
        } catch (IOException | RuntimeException e) {
            manifest.close();
            throw e;
        }
        return manifest;
    }

    private static byte[][] keyFrame(int db, ByteKey key, String path, MappedArray array) {
        byte[][] frame = {bytes("RDM.KEY"), bytes(Integer.toString(db)), key.bytes(), bytes(path),
                bytes(array.codec().type().canonicalName()), bytes(Integer.toString(array.codec().size())),
                bytes(Integer.toString(array.dim())), bytes(array.isWritable() ? "w" : "r")};
        ElementShape shape = array.elementShape();
        if (shape.saidByDim()) {
            return frame;
        }
        // Replicas that knew only DIM ignore the extra word; the others map the same shape.
        byte[][] withShape = java.util.Arrays.copyOf(frame, frame.length + 1);
        withShape[frame.length] = bytes(shape.text());
        return withShape;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    List<SyncedFile> files() {
        return files;
    }

    void write(ByteBuf out) {
        for (byte[][] key : keys) {
            CommandEncoder.write(out, key);
        }
        for (SyncedFile file : files) {
            CommandEncoder.write(out, "RDM.FILE", Integer.toString(file.index()), file.path(), Long.toString(file.size()));
        }
        if (clusterView != null) {
            CommandEncoder.write(out, "RDM.SLOTS", clusterView);
        }
        CommandEncoder.write(out, "RDM.MANIFEST", Integer.toString(keys.size()), Integer.toString(files.size()));
    }

    @Override
    public void close() {
        for (SyncedFile file : files) {
            try {
                file.channel().close();
            } catch (IOException ignored) {
                // Only read from: nothing is lost.
            }
        }
    }
}

package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The blocks of a full sync, sent as the reply to the replica's {@code REPLCONF RDM-SEND}: for each
 * file of the manifest, each block whose checksum differs from the replica's copy, as
 * {@code RDM.BLOCK index offset bytes}, then {@code RDM.END}. A block is read from the file straight
 * into the connection's buffer and sent while the replica keeps up (the connection's back-pressure):
 * the master holds about one block per syncing replica, whatever the size of its files.
 */
final class BlockStream implements ReplyStream {
    /** Blocks compared (and skipped) per chunk at most, so that a turn stays short. */
    private static final int COMPARED_PER_CHUNK = 4;

    private final List<SyncManifest.SyncedFile> files;
    private final ReplicaLink link;
    private final Consumer<ReplicaLink> whenSent;
    private int fileIndex;
    private long offset;
    private boolean sent;

    BlockStream(ReplicaLink link, Consumer<ReplicaLink> whenSent) {
        this.files = link.manifest().files();
        this.link = link;
        this.whenSent = whenSent;
    }

    @Override
    public boolean writeChunk(Reply reply) {
        ByteBuf out = reply.buffer();
        try {
            for (int compared = 0; compared < COMPARED_PER_CHUNK; compared++) {
                if (fileIndex == files.size()) {
                    CommandEncoder.write(out, "RDM.END");
                    sent = true;
                    return true;
                }
                SyncManifest.SyncedFile file = files.get(fileIndex);
                if (offset >= file.size()) {
                    fileIndex++;
                    offset = 0;
                    continue;
                }
                boolean written = writeBlockIfChanged(out, file);
                offset += BlockChecksums.BLOCK_BYTES;
                if (written) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + files.get(fileIndex).path() + " for a replica", e);
        }
    }

    /** Reads the block at {@link #offset} into {@code out} and keeps it unless the replica's checksum matches. */
    private boolean writeBlockIfChanged(ByteBuf out, SyncManifest.SyncedFile file) throws IOException {
        int length = (int) Math.min(BlockChecksums.BLOCK_BYTES, file.size() - offset);
        int frameStart = out.writerIndex();
        CommandEncoder.writeArrayHeader(out, 4);
        CommandEncoder.writeBulk(out, "RDM.BLOCK".getBytes(StandardCharsets.US_ASCII));
        CommandEncoder.writeBulk(out, Integer.toString(file.index()).getBytes(StandardCharsets.US_ASCII));
        CommandEncoder.writeBulk(out, Long.toString(offset).getBytes(StandardCharsets.US_ASCII));
        CommandEncoder.writeBulkHeader(out, length);
        int dataStart = out.writerIndex();
        out.ensureWritable(length + 2);
        long position = offset;
        while (out.writerIndex() - dataStart < length) {
            int read = out.writeBytes(file.channel(), position, length - (out.writerIndex() - dataStart));
            if (read < 0) {
                // The file shrank after the manifest: the stream that follows carries the change.
                out.writeZero(length - (out.writerIndex() - dataStart));
                break;
            }
            position += read;
        }
        Integer theirs = BlockChecksums.get(link.localChecksums().get(file.index()),
                (int) (offset / BlockChecksums.BLOCK_BYTES));
        if (theirs != null && theirs == BlockChecksums.crc(out.nioBuffer(dataStart, length))) {
            out.writerIndex(frameStart);
            return false;
        }
        out.writeByte('\r').writeByte('\n');
        return true;
    }

    @Override
    public void close() {
        if (sent) {
            whenSent.accept(link);
        }
    }
}

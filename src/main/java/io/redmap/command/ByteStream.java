package io.redmap.command;

import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyStream;
import io.redmap.store.MappedArray;

import java.util.concurrent.locks.Lock;

/**
 * A large VREAD, written as one bulk string a chunk at a time (see {@link ReplyStream}),
 * each chunk copied once from the mapping under the command lock. If the array shrinks under
 * it, the promised length can no longer be honoured: the stream fails and the connection closes.
 */
final class ByteStream implements ReplyStream {
    /** Replies of more bytes than this are streamed. */
    static final long STREAM_THRESHOLD = 1 << 20;
    /**
     * Bytes copied from the mapping at a time: what a client that reads slowly holds of the
     * server's memory, besides the channel's high-water mark.
     */
    static final long CHUNK_BYTES = 32 << 10;

    private final MappedArray array;
    private final long offset;
    private final long length;
    private final Lock lock;
    private long written = -1;

    ByteStream(MappedArray array, long offset, long length, Lock lock) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.lock = lock;
    }

    @Override
    public boolean writeChunk(Reply reply) {
        lock.lock();
        try {
            if (written < 0) {
                reply.bulkHeader(length);
                written = 0;
            }
            int chunk = (int) Math.min(CHUNK_BYTES, length - written);
            if (array.file().isClosedOrGone() || offset + written + chunk > array.file().length()) {
                throw new IllegalStateException("the array shrank while VREAD was sending it");
            }
            reply.bulkData(array.segment(), offset + written, chunk);
            written += chunk;
            if (written == length) {
                reply.bulkEnd();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }
}

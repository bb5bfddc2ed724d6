package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.DirectSink;
import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyStream;
import io.redmap.store.MappedArray;

import java.util.concurrent.locks.Lock;

/**
 * Raw rows as one bulk string: a range (VREAD) or rows in any order (VMREAD). Small replies are
 * written at once; large ones a chunk at a time (see {@link ReplyStream}), each chunk under the
 * command lock, copied once from the mapping, or for a gather handed as its rows straight from
 * the mapping to the socket where the connection allows it. If the array
 * shrinks under a stream, the promised length can no longer be honoured: the stream fails and
 * the connection closes.
 */
final class ByteStream implements ReplyStream {
    /**
     * Replies of more bytes than this are streamed. Streams are sent in pooled buffers of 64 KiB;
     * a larger reply built whole needs a buffer of its size, which the allocator does not pool
     * (for a 768 KiB VMREAD, the whole reply at once was 3 to 4 times slower).
     */
    static final long STREAM_THRESHOLD = 64 << 10;
    /**
     * Bytes copied from the mapping at a time: what a client that reads slowly holds of the
     * server's memory, besides the channel's high-water mark.
     */
    static final long CHUNK_BYTES = 32 << 10;
    /**
     * Bytes of a gather offered at a time straight to the socket, where the connection allows it
     * ({@link Reply#bulkDataDirect}): they cost no server memory, and the kernel copies them
     * from the mapping while the command lock is held, so they are the values of that moment.
     * Ranges (VREAD) went the same way for a while and are copied again: with 100 slow readers of
     * 512 MiB replies the server's anonymous memory grew by 100 MB and more (63 MB peak copied,
     * 155-189 MB straight; 467 MB in bench/special/large-replies, which wants 256 MB at most), for
     * no gain in VREAD of 8 MB against Redis's GET (0.98, redis-benchmark's reader is the limit).
     */
    static final long DIRECT_BYTES = 1 << 20;

    private final MappedArray array;
    /** The range's first row; unused for a gather. */
    private final long first;
    /** The gathered rows, in order (already checked against the count); null for a range. */
    private final long[] rows;
    private final long length;
    private final Lock lock;
    private long written = -1;
    /** A gather's next rows for the socket, as offset and length pairs; made at the first use. */
    private long[] slices;

    private ByteStream(MappedArray array, long first, long[] rows, long length, Lock lock) {
        this.array = array;
        this.first = first;
        this.rows = rows;
        this.length = length;
        this.lock = lock;
    }

    /** Replies rows {@code [first, first + count)} (already checked against the count). */
    static void replyRange(CommandContext ctx, MappedArray array, long first, long count) {
        reply(ctx, new ByteStream(array, first, null, replyBytes(ctx, array, count), ctx.server().commandLock()));
    }

    /** Replies the given rows in their order, duplicates included (already checked against the count). */
    static void replyRows(CommandContext ctx, MappedArray array, long[] rows) {
        reply(ctx, new ByteStream(array, 0, rows, replyBytes(ctx, array, rows.length), ctx.server().commandLock()));
    }

    private static void reply(CommandContext ctx, ByteStream stream) {
        if (stream.length <= STREAM_THRESHOLD) {
            // One pass: under the command lock, or validated against it after (LockFreeReads).
            stream.writeChunk(ctx.reply(), stream.length);
        } else {
            RowStream.giveWayWithoutLock(ctx);
            ctx.reply().stream(stream);
        }
    }

    /** The reply's size, refused when a client could not receive it as one bulk string. */
    private static long replyBytes(CommandContext ctx, MappedArray array, long rows) {
        long limit = ctx.server().config().getLong("proto-max-bulk-len");
        if (rows > 0 && array.rowBytes() > limit / rows) {
            throw RedmapException.err("reply too large: read at most proto-max-bulk-len bytes at a time");
        }
        return rows * array.rowBytes();
    }

    @Override
    public boolean writeChunk(Reply reply) {
        lock.lock();
        try {
            return writeChunk(reply, CHUNK_BYTES);
        } finally {
            lock.unlock();
        }
    }

    /** Writes up to {@code budget} more bytes (whole and partial rows alike); true when done. */
    private boolean writeChunk(Reply reply, long budget) {
        if (written < 0) {
            reply.bulkHeader(length);
            written = 0;
        }
        if (rows != null && written < length && reply.sendsDirectly()) { // a gather: its rows as they lie in the mapping
            int count = directRowSlices();
            written += reply.bulkDataDirect(array.segment(), slices, count);
        }
        long rowBytes = array.rowBytes();
        while (budget > 0 && written < length) {
            long source;
            long piece;
            if (rows == null) { // a range is contiguous in the file: one copy
                source = array.offsetOf(first) + written;
                piece = Math.min(budget, length - written);
            } else { // a row at a time, or its rest when a chunk ended inside it
                long within = written % rowBytes;
                source = array.offsetOf(rows[(int) (written / rowBytes)]) + within;
                piece = Math.min(budget, rowBytes - within);
            }
            checkInFile(source, piece);
            reply.bulkData(array.segment(), source, (int) piece);
            written += piece;
            budget -= piece;
        }
        if (written == length) {
            reply.bulkEnd();
            return true;
        }
        return false;
    }

    /**
     * Puts the next rows to send in {@link #slices} (offset and length pairs, the first row's
     * rest if a chunk ended inside it), up to {@link DirectSink#MAX_SLICES} rows and
     * {@link #DIRECT_BYTES}; returns how many.
     */
    private int directRowSlices() {
        if (slices == null) {
            slices = new long[2 * DirectSink.MAX_SLICES];
        }
        long rowBytes = array.rowBytes();
        long at = written;
        long taken = 0;
        int count = 0;
        while (count < DirectSink.MAX_SLICES && at < length && taken < DIRECT_BYTES) {
            long within = at % rowBytes;
            long source = array.offsetOf(rows[(int) (at / rowBytes)]) + within;
            long piece = Math.min(rowBytes - within, DIRECT_BYTES - taken);
            checkInFile(source, piece);
            slices[2 * count] = source;
            slices[2 * count + 1] = piece;
            count++;
            at += piece;
            taken += piece;
        }
        return count;
    }

    private void checkInFile(long source, long piece) {
        if (array.file().isClosedOrGone() || source + piece > array.file().length()) {
            throw new IllegalStateException("the array shrank while its bytes were being sent");
        }
    }
}

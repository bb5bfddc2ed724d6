package io.redmap.command;

import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyStream;
import io.redmap.store.MappedArray;

import java.util.concurrent.locks.Lock;

/**
 * VALL, VRANGE and VMGET of many rows, written a chunk at a time (see {@link ReplyStream}). Each chunk
 * is read under the command lock, straight from the mapping, with no copy of the array. The
 * element count is fixed when the command runs; rows that a concurrent VPOP, VCLEAR or DEL
 * removes before their chunk is written reply nil, and a concurrent VSET may or may not be seen:
 * a large range is not a snapshot.
 */
final class RowStream implements ReplyStream {
    /** Replies of more values than this are streamed. */
    static final long STREAM_THRESHOLD = 16_384;
    /**
     * Values formatted at a time: about 3 KB of text for doubles, a few microseconds of work
     * (`bench/jmh/run VmgetReplyBench`: 2.7 us for 100 doubles), the unit in which streams share
     * their event loop (see the server's StreamPump; it gathers chunks before sending them).
     */
    private static final long CHUNK_VALUES = 128;

    private final MappedArray array;
    private final long first;
    private final long count;
    /** VMGET's rows, in order; null for a range from {@code first}. */
    private final long[] rows;
    private final Lock lock;
    private final long rowsPerChunk;
    private long written = -1;

    private RowStream(MappedArray array, long first, long count, long[] rows, Lock lock) {
        this.array = array;
        this.first = first;
        this.count = count;
        this.rows = rows;
        this.lock = lock;
        this.rowsPerChunk = Math.max(1, CHUNK_VALUES / array.dim());
    }

    /** Replies rows {@code [first, first + count)}, streaming them when there are many. */
    static void reply(CommandContext ctx, MappedArray array, long first, long count) {
        if (count * array.dim() <= STREAM_THRESHOLD) {
            ctx.reply().arrayHeader(count);
            for (long row = first; row < first + count; row++) {
                ArrayCommands.replyRow(array, row, ctx.reply());
            }
            return;
        }
        giveWayWithoutLock(ctx);
        ctx.reply().stream(new RowStream(array, first, count, null, ctx.server().commandLock()));
    }

    /** Replies the given rows (already checked against the count), streaming them when there are many. */
    static void reply(CommandContext ctx, MappedArray array, long[] rows) {
        if ((long) rows.length * array.dim() <= STREAM_THRESHOLD) {
            ctx.reply().arrayHeader(rows.length);
            ArrayCommands.replyRows(array, rows, ctx.reply());
            return;
        }
        giveWayWithoutLock(ctx);
        ctx.reply().stream(new RowStream(array, 0, rows.length, rows, ctx.server().commandLock()));
    }

    /** A stream reads under the lock, chunk by chunk: a read that runs without it goes to the locked path. */
    static void giveWayWithoutLock(CommandContext ctx) {
        if (ctx.withoutLock()) {
            throw LockFreeReads.GIVE_WAY;
        }
    }

    @Override
    public boolean writeChunk(Reply reply) {
        lock.lock();
        try {
            if (written < 0) {
                reply.arrayHeader(count);
                written = 0;
            }
            long end = Math.min(count, written + rowsPerChunk);
            long available = array.file().isClosedOrGone() ? 0 : array.count();
            for (long i = written; i < end; i++) {
                long row = rows == null ? first + i : rows[(int) i];
                if (row < available) {
                    ArrayCommands.replyRow(array, row, reply);
                } else {
                    reply.nil();
                }
            }
            written = end;
            return written == count;
        } finally {
            lock.unlock();
        }
    }
}

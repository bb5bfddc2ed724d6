package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The replication backlog: the last {@code repl-backlog-size} bytes of the write stream, so that a
 * replica that lost its link for a moment (or followed the old master before a failover) continues
 * with {@code +CONTINUE} and the bytes it missed instead of a full sync. A ring buffer guarded by
 * the command lock, created when the first replica attaches, as Redis does.
 */
final class Backlog {
    private byte[] ring;
    /** Stream offset of the byte after the last one written (the master's repl offset). */
    private long endOffset;
    /** Bytes held: at most {@code ring.length}. */
    private long length;

    Backlog(int size, long endOffset) {
        this.ring = new byte[Math.max(16 * 1024, size)];
        this.endOffset = endOffset;
    }

    void append(ByteBuf bytes) {
        int count = bytes.readableBytes();
        int from = bytes.readerIndex();
        if (count >= ring.length) {
            // Only the tail fits.
            from += count - ring.length;
            count = ring.length;
        }
        int at = (int) (endOffset % ring.length);
        int first = Math.min(count, ring.length - at);
        bytes.getBytes(from, ring, at, first);
        bytes.getBytes(from + first, ring, 0, count - first);
        endOffset += bytes.readableBytes();
        length = Math.min(ring.length, length + bytes.readableBytes());
    }

    /** The offset of the first byte held (Redis's {@code repl_backlog_first_byte_offset}). */
    long firstOffset() {
        return endOffset - length + 1;
    }

    long length() {
        return length;
    }

    int size() {
        return ring.length;
    }

    /** Whether the bytes from {@code offset} (Redis's PSYNC offset: the first byte wanted) are held. */
    boolean covers(long offset) {
        return offset >= firstOffset() && offset <= endOffset + 1;
    }

    /** The held bytes from {@code offset} on (see {@link #covers}). */
    ByteBuf from(long offset, ByteBufAllocator alloc) {
        int count = (int) (endOffset + 1 - offset);
        ByteBuf out = alloc.buffer(Math.max(count, 16));
        long start = offset - 1;
        int at = (int) (start % ring.length);
        int first = Math.min(count, ring.length - at);
        out.writeBytes(ring, at, first);
        out.writeBytes(ring, 0, count - first);
        return out;
    }

    /** CONFIG SET repl-backlog-size: keeps the newest bytes that fit. */
    void resize(int size) {
        size = Math.max(16 * 1024, size);
        if (size == ring.length) {
            return;
        }
        int keep = (int) Math.min(length, size);
        byte[] resized = new byte[size];
        long start = endOffset - keep;
        for (int i = 0; i < keep; i++) {
            resized[(int) ((start + i) % size)] = ring[(int) ((start + i) % ring.length)];
        }
        ring = resized;
        length = keep;
    }
}

package io.redmap.protocol;

import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The streamed part of a reply that holds more than one stream, or bytes after a stream: the reply
 * of an EXEC whose transaction has large reads ({@code *3}, a VALL's stream, {@code +OK}, a
 * VREAD's stream...). Its parts are written in order, each stream a chunk at a time like any
 * other, so that two huge reads in one transaction are delivered one after the other without
 * either being built whole.
 */
final class StreamSequence implements ReplyStream {
    /** Each part a {@link ReplyStream} or a {@link ByteBuf} of reply bytes written between streams. */
    private final ArrayDeque<Object> parts;

    StreamSequence(List<Object> parts) {
        this.parts = new ArrayDeque<>(parts);
    }

    @Override
    public boolean writeChunk(Reply reply) {
        boolean wroteChunk = false;
        while (!parts.isEmpty()) {
            Object part = parts.peek();
            if (part instanceof ByteBuf bytes) {
                reply.buffer().writeBytes(bytes);
                bytes.release();
                parts.poll();
                continue;
            }
            if (wroteChunk) {
                return false; // one stream chunk per call: the connection yields in between
            }
            ReplyStream stream = (ReplyStream) part;
            wroteChunk = true;
            if (!stream.writeChunk(reply)) {
                return false;
            }
            stream.close();
            parts.poll();
        }
        return true;
    }

    @Override
    public void close() {
        for (Object part : parts) {
            if (part instanceof ByteBuf bytes) {
                bytes.release();
            } else {
                ((ReplyStream) part).close();
            }
        }
        parts.clear();
    }
}

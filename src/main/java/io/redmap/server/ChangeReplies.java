package io.redmap.server;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where, in a connection's pending replies, lie the replies of commands that changed the keyspace,
 * and which of those changes were undone because the catalogue could not save them. Before the
 * replies are sent, each reply of an undone change is replaced with the {@code -MISCONF} error:
 * the client is told the truth about its change, and the other replies go out as they are. Inside
 * MULTI/EXEC a command's reply is one element of EXEC's array, and only that element is replaced.
 *
 * <p>Positions are indexes in the connection's pending reply buffer, so they are settled (and
 * forgotten) whenever that buffer is sent or dropped. Guarded by the command lock, except
 * {@link #isEmpty()}, which only the connection's own thread calls.
 */
final class ChangeReplies {
    /** A reply at {@code [start, end)} of the pending buffer, for the change numbered {@code change}. */
    private long[] marks = new long[3 * 8];
    private int size;
    private final List<Undone> undone = new ArrayList<>();

    private record Undone(long first, long last, String error) {
        boolean contains(long change) {
            return change >= first && change <= last;
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Notes the reply of a command whose last change is {@code change}, unless a command inside it
     * (one of an EXEC) has noted its own reply already.
     *
     * @return whether it was noted
     */
    boolean add(int start, int end, long change) {
        if (size > 0 && marks[3 * size - 3] >= start) {
            return false;
        }
        if (3 * size == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[3 * size] = start;
        marks[3 * size + 1] = end;
        marks[3 * size + 2] = change;
        size++;
        return true;
    }

    /** Changes {@code first} to {@code last} were undone: their replies become {@code error}. */
    void undone(long first, long last, String error) {
        if (first <= last) {
            undone.add(new Undone(first, last, error));
        }
    }

    /**
     * The replies to send: {@code replies} itself, or (when changes were undone) a copy with the
     * replies of the undone changes replaced, {@code replies} then being released. Forgets all.
     *
     * @return the replies, and how many were replaced
     */
    Settled settle(ByteBuf replies) {
        try {
            if (undone.isEmpty() || replies == null) {
                return new Settled(replies, 0);
            }
            ByteBuf out = replies.alloc().ioBuffer(replies.readableBytes());
            int position = replies.readerIndex();
            int replaced = 0;
            for (int i = 0; i < size; i++) {
                int start = (int) marks[3 * i];
                int end = (int) marks[3 * i + 1];
                String error = errorFor(marks[3 * i + 2]);
                if (error == null || start < position || end > replies.writerIndex()) {
                    continue;
                }
                out.writeBytes(replies, position, start - position);
                out.writeByte('-').writeBytes(error.getBytes(StandardCharsets.UTF_8)).writeByte('\r').writeByte('\n');
                position = end;
                replaced++;
            }
            out.writeBytes(replies, position, replies.writerIndex() - position);
            replies.release();
            return new Settled(out, replaced);
        } finally {
            size = 0;
            undone.clear();
        }
    }

    record Settled(ByteBuf replies, int replaced) {
    }

    private String errorFor(long change) {
        for (Undone range : undone) {
            if (range.contains(change)) {
                return range.error();
            }
        }
        return null;
    }
}

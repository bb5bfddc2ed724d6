package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.redmap.protocol.Request;

import java.nio.charset.StandardCharsets;

/** Writes commands as RESP arrays of bulk strings: the write stream, and the sync frames. */
final class CommandEncoder {
    private CommandEncoder() {
    }

    static void write(ByteBuf out, Request request) {
        out.writeByte('*');
        writeNumber(out, request.size());
        for (int i = 0; i < request.size(); i++) {
            writeBulk(out, request.word(i));
        }
    }

    static void write(ByteBuf out, String... words) {
        out.writeByte('*');
        writeNumber(out, words.length);
        for (String word : words) {
            writeBulk(out, word.getBytes(StandardCharsets.UTF_8));
        }
    }

    static void write(ByteBuf out, byte[]... words) {
        out.writeByte('*');
        writeNumber(out, words.length);
        for (byte[] word : words) {
            writeBulk(out, word);
        }
    }

    static void writeBulk(ByteBuf out, byte[] word) {
        writeBulkHeader(out, word.length);
        out.writeBytes(word);
        out.writeByte('\r').writeByte('\n');
    }

    static void writeBulkHeader(ByteBuf out, long length) {
        out.writeByte('$');
        writeNumber(out, length);
    }

    static void writeArrayHeader(ByteBuf out, int count) {
        out.writeByte('*');
        writeNumber(out, count);
    }

    private static void writeNumber(ByteBuf out, long value) {
        out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
        out.writeByte('\r').writeByte('\n');
    }

    /**
     * The bytes {@link #write(ByteBuf, Request)} writes for a request: how much of the stream a
     * replica applied (it counts its offset in the master's bytes, which are written this way).
     */
    static long encodedLength(Request request) {
        long length = 1 + digits(request.size()) + 2;
        for (int i = 0; i < request.size(); i++) {
            int size = request.word(i).length;
            length += 1 + digits(size) + 2 + size + 2;
        }
        return length;
    }

    private static int digits(long value) {
        return Long.toString(value).length();
    }
}

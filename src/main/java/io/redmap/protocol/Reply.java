package io.redmap.protocol;

import io.netty.buffer.ByteBuf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes replies for one client in the RESP version it chose with HELLO.
 *
 * <p>Commands say <em>what</em> to reply ({@link #nil()}, {@link #doubleText}, {@link #bigNumber},
 * {@link #mapHeader}); this class picks the RESP2 or RESP3 wire form, the way Redis's
 * {@code addReply*} functions do. It writes straight into the connection's output buffer: no
 * reply objects are built.
 */
public final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    /** A double's frame ({@code $24\r\n}, its text, CRLF) fits in this many longs. */
    private static final int FRAME_WORDS = 4;
    private static final VarHandle FRAME_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Pre-encoded {@code :n\r\n} for the integers replies use most (counts, 0 and 1). */
    private static final int SHARED_INTEGERS = 1024;
    private static final byte[][] INTEGERS = new byte[SHARED_INTEGERS][];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) {
            INTEGERS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ByteBuf head;
    /** Where replies are written: {@link #head}, or after a stream the bytes that follow it. */
    private ByteBuf out;
    private final int protocol;
    private final boolean streamable;
    /** What goes out after the bytes of {@link #head}: streams, and the bytes between them. */
    private List<Object> streamed;
    private byte[] scratch;
    private byte[] frame;
    /** Where a stream's bytes may go straight into the socket, or null. */
    private DirectSink direct;

    /** A reply written at once, whatever its size. */
    public Reply(ByteBuf out, int protocol) {
        this(out, protocol, false);
    }

    /**
     * @param streamable whether a large reply may be handed over as a {@link ReplyStream}, to be
     *     written by the connection after the bytes of {@code out}
     */
    public Reply(ByteBuf out, int protocol, boolean streamable) {
        this.head = out;
        this.out = out;
        this.protocol = protocol;
        this.streamable = streamable;
    }

    /** A connection's reply to a request, formatting in the connection's own scratch arrays. */
    public Reply(ByteBuf out, int protocol, boolean streamable, ReplyScratch reused) {
        this(out, protocol, streamable);
        this.scratch = reused.number;
        this.frame = reused.frame;
    }

    /**
     * Replies with a stream: the connection writes it after this command, chunk by chunk. What is
     * replied after it (the next replies of an EXEC) is kept to be written after it. Where
     * streaming is not possible the stream is written here and now, in full.
     */
    public void stream(ReplyStream replyStream) {
        if (streamable) {
            if (streamed == null) {
                streamed = new ArrayList<>();
            } else {
                streamed.add(out);
            }
            streamed.add(replyStream);
            out = head.alloc().buffer();
            return;
        }
        try {
            while (!replyStream.writeChunk(this)) {
                // Written in full: the caller holds what the chunks need.
            }
        } finally {
            replyStream.close();
        }
    }

    /**
     * What this reply streams after the bytes of the buffer it was made with, or null; replies
     * written afterwards go to that buffer again.
     */
    public ReplyStream takeStream() {
        if (streamed == null) {
            return null;
        }
        List<Object> parts = streamed;
        streamed = null;
        if (out.isReadable()) {
            parts.add(out);
        } else {
            out.release();
        }
        out = head;
        return parts.size() == 1 ? (ReplyStream) parts.getFirst() : new StreamSequence(parts);
    }

    /**
     * Whether replies now go after a stream (later replies of an EXEC that streamed one), not into
     * the buffer this reply was made with.
     */
    public boolean writesAfterStream() {
        return out != head;
    }

    public boolean resp3() {
        return protocol >= 3;
    }

    public ByteBuf buffer() {
        return out;
    }

    /**
     * A small array (at least {@link #SCRATCH_BYTES}) to format a number in before writing it:
     * one per reply, so that a reply of many numbers allocates nothing per number.
     */
    public byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[SCRATCH_BYTES];
        }
        return scratch;
    }

    /** The size of {@link #scratch()}: room for any number's text. */
    public static final int SCRATCH_BYTES = 64;

    public void ok() {
        out.writeBytes(OK);
    }

    public void simple(String text) {
        out.writeByte('+');
        writeAscii(text);
        out.writeBytes(CRLF);
    }

    /** An error line; {@code codeAndMessage} starts with its code, e.g. {@code ERR syntax error}. */
    public void error(String codeAndMessage) {
        out.writeByte('-');
        // A newline inside an error would desynchronise the client: Redis replaces them too.
        writeAscii(codeAndMessage.replace('\r', ' ').replace('\n', ' '));
        out.writeBytes(CRLF);
    }

    public void integer(long value) {
        if (value >= 0 && value < SHARED_INTEGERS) {
            out.writeBytes(INTEGERS[(int) value]);
            return;
        }
        out.writeByte(':');
        AsciiNumbers.writeLong(out, value);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    public void bulk(byte[] value, int offset, int length) {
        out.writeByte('$');
        AsciiNumbers.writeLong(out, length);
        out.writeBytes(CRLF);
        out.writeBytes(value, offset, length);
        out.writeBytes(CRLF);
    }

    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string copied from a mapped segment. */
    public void bulk(MemorySegment source, long offset, int length) {
        bulkHeader(length);
        bulkData(source, offset, length);
        bulkEnd();
    }

    /** The start of a bulk string whose bytes follow with {@link #bulkData}, then {@link #bulkEnd}. */
    public void bulkHeader(long length) {
        out.writeByte('$');
        AsciiNumbers.writeLong(out, length);
        out.writeBytes(CRLF);
    }

    /** Bytes of a bulk string, copied once from the mapping into the output buffer. */
    public void bulkData(MemorySegment source, long offset, int length) {
        out.ensureWritable(length);
        int at = out.writerIndex();
        // A direct buffer by its address: a gather copies hundreds of rows into each buffer, and a
        // ByteBuffer view per row (and a segment of it) were two allocations a row.
        MemorySegment target = out.hasMemoryAddress()
                ? MemorySegment.ofAddress(out.memoryAddress() + at).reinterpret(length)
                : out.hasArray()
                ? MemorySegment.ofArray(out.array()).asSlice(out.arrayOffset() + at, length)
                : MemorySegment.ofBuffer(out.nioBuffer(at, length));
        MemorySegment.copy(source, offset, target, 0, length);
        out.writerIndex(at + length);
    }

    /**
     * Sends slices of {@code source} in a row (a gather's rows, see {@link DirectSink}) straight to
     * the socket after what this reply holds ahead of them, when the connection allows it.
     *
     * @return how many bytes of the slices were sent (0: none, copy them instead)
     */
    public long bulkDataDirect(MemorySegment source, long[] slices, int count) {
        return direct == null ? 0 : direct.send(out, source, slices, count);
    }

    /** Whether {@link #bulkDataDirect} may send anything: only a stream's chunks on a plaintext connection. */
    public boolean sendsDirectly() {
        return direct != null;
    }

    /** Lets {@link #bulkDataDirect} send through {@code sink} (null: never). */
    public Reply sendingDirectly(DirectSink sink) {
        this.direct = sink;
        return this;
    }

    public void bulkEnd() {
        out.writeBytes(CRLF);
    }

    /** The null reply: {@code $-1} in RESP2, {@code _} in RESP3. */
    public void nil() {
        out.writeBytes(resp3() ? NIL3 : NIL2);
    }

    /** The null array: {@code *-1} in RESP2 (EXEC after a failed WATCH), {@code _} in RESP3. */
    public void nilArray() {
        out.writeBytes(resp3() ? NIL3 : NIL_ARRAY2);
    }

    public void arrayHeader(long length) {
        if (length == 0) {
            out.writeBytes(EMPTY_ARRAY);
            return;
        }
        aggregateHeader('*', length);
    }

    /** A map of {@code pairs} entries: {@code %} in RESP3, a flat array of 2n in RESP2. */
    public void mapHeader(long pairs) {
        if (resp3()) {
            aggregateHeader('%', pairs);
        } else {
            arrayHeader(pairs * 2);
        }
    }

    /** An out-of-band push (Pub/Sub): {@code >} in RESP3, an array in RESP2. */
    public void pushHeader(long length) {
        if (resp3()) {
            aggregateHeader('>', length);
        } else {
            arrayHeader(length);
        }
    }

    /** A set: {@code ~} in RESP3, an array in RESP2. */
    public void setHeader(long length) {
        if (resp3()) {
            aggregateHeader('~', length);
        } else {
            arrayHeader(length);
        }
    }

    /**
     * A floating-point value already formatted as ASCII ({@code 1.5}, {@code inf}, {@code nan}):
     * RESP3 double {@code ,1.5}, RESP2 bulk string.
     */
    public void doubleText(byte[] ascii, int length) {
        if (length > 99) {
            writeDoubleFramed(ascii, length);
            return;
        }
        // The whole frame is put together first and written at once: one buffer write a value,
        // not five, which is most of what a reply of many numbers costs.
        byte[] frame = frame();
        int at = 0;
        if (resp3()) {
            frame[at++] = ',';
        } else {
            frame[at++] = '$';
            if (length >= 10) {
                frame[at++] = (byte) ('0' + length / 10);
            }
            frame[at++] = (byte) ('0' + length % 10);
            frame[at++] = '\r';
            frame[at++] = '\n';
        }
        System.arraycopy(ascii, 0, frame, at, length);
        at += length;
        frame[at++] = '\r';
        frame[at++] = '\n';
        writeFrame(frame, at);
    }

    /**
     * Makes room for about {@code values} doubles at once (up to 64 KB): a buffer that grows as a
     * reply of many values is written reallocates and copies itself at each doubling, and a buffer
     * short of room makes every value take the slow path of {@link #writeFrame}.
     */
    public void reserveDoubles(int values) {
        out.ensureWritable(Math.min(values, 2048) * FRAME_WORDS * Long.BYTES);
    }

    /**
     * Copies a frame of at most {@link #FRAME_WORDS} longs to the buffer by its address, as whole
     * longs, when the buffer has room for them (the bytes past the frame are written over later or
     * never sent). ByteBuf.writeBytes checks the buffer's reference count twice and goes through a
     * ByteBuffer view, and a byte copy of a few bytes calls a copy stub: in a VMGET of 100 doubles,
     * writing the frames took 5.6% of the server's CPU samples that way, 1.9% this way.
     */
    private void writeFrame(byte[] frame, int length) {
        int at = out.writerIndex();
        if (length > FRAME_WORDS * Long.BYTES || !out.hasMemoryAddress() || out.capacity() - at < FRAME_WORDS * Long.BYTES) {
            out.writeBytes(frame, 0, length);
            return;
        }
        MemorySegment target = MemorySegment.ofAddress(out.memoryAddress() + at).reinterpret(FRAME_WORDS * Long.BYTES);
        for (int i = 0; i < FRAME_WORDS; i++) {
            target.set(ValueLayout.JAVA_LONG_UNALIGNED, i * Long.BYTES, (long) FRAME_LONGS.get(frame, i * Long.BYTES));
        }
        out.writerIndex(at + length);
    }

    private void writeDoubleFramed(byte[] ascii, int length) {
        if (resp3()) {
            out.writeByte(',');
            out.writeBytes(ascii, 0, length);
            out.writeBytes(CRLF);
        } else {
            bulk(ascii, 0, length);
        }
    }

    private byte[] frame() {
        if (frame == null) {
            frame = new byte[2 * SCRATCH_BYTES];
        }
        return frame;
    }

    /** Like {@link #doubleText(byte[], int)}, from the text a formatter made (ASCII: one byte a char). */
    public void doubleText(String ascii) {
        if (resp3()) {
            out.writeByte(',');
        } else {
            out.writeByte('$');
            AsciiNumbers.writeLong(out, ascii.length());
            out.writeBytes(CRLF);
        }
        out.writeCharSequence(ascii, StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }

    /** An integer beyond a signed 64-bit: RESP3 big number, RESP2 bulk string of its digits. */
    public void bigNumber(String digits) {
        if (resp3()) {
            out.writeByte('(');
            writeAscii(digits);
            out.writeBytes(CRLF);
        } else {
            bulk(digits.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Free text such as INFO: RESP3 verbatim string ({@code txt}), RESP2 bulk string. */
    public void verbatim(String text) {
        if (!resp3()) {
            bulk(text);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeByte('=');
        AsciiNumbers.writeLong(out, bytes.length + 4);
        out.writeBytes(CRLF);
        writeAscii("txt:");
        out.writeBytes(bytes);
        out.writeBytes(CRLF);
    }

    /** A boolean: RESP3 {@code #t}/{@code #f}, RESP2 integer 1/0. */
    public void bool(boolean value) {
        if (resp3()) {
            out.writeBytes(value ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            integer(value ? 1 : 0);
        }
    }

    private void aggregateHeader(char type, long length) {
        out.writeByte(type);
        AsciiNumbers.writeLong(out, length);
        out.writeBytes(CRLF);
    }

    private void writeAscii(String text) {
        out.writeCharSequence(text, StandardCharsets.UTF_8);
    }
}

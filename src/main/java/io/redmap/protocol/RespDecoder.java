package io.redmap.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns bytes into requests ({@link Request}: the command name and its arguments), for RESP
 * multibulk requests and inline (telnet) commands alike.
 *
 * <p>An explicit state machine: when the bytes of a request are not all there yet it returns,
 * remembering where it was (the argument count, the arguments read, how far a line was already
 * searched for its end), so that no byte is parsed twice however the request is split.
 *
 * <p>A request that breaks the protocol or a limit is emitted as a {@link ProtocolException};
 * every byte after it is ignored, since the stream can no longer be trusted.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    private enum State { START, ARGUMENT_COUNT, BULK_LENGTH, BULK_DATA, INLINE, BROKEN }

    /**
     * Requests of more words than this are kept packed (see {@link Request}): a VMGET of 100
     * indices is then two arrays rather than a hundred, and its indices are parsed where they lie.
     */
    static final int PACK_THRESHOLD = 16;

    private final Supplier<DecoderLimits> limits;
    private State state = State.START;
    private byte[][] arguments;
    /** The words of a request of more than {@link #PACK_THRESHOLD} words, back to back (see {@link Request}). */
    private byte[] packed;
    private int[] bounds;
    private int argumentIndex;
    private int expected;
    /** Bytes of the arguments of the unfinished request already copied out of the buffer. */
    private long requestBytes;
    private int bulkLength;
    /** The argument being read (when not packed) and how many of its bytes have arrived. */
    private byte[] bulk = EMPTY;
    private int bulkFilled;
    /** Bytes of the current line already searched for its '\n'. */
    private int lineSearched;

    public RespDecoder(Supplier<DecoderLimits> limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable()) {
                if (state == State.START && in.getByte(in.readerIndex()) == '*'
                        && WholeRequests.decode(in, limits.get(), out) > 0) {
                    continue;
                }
                Object request = decodeOne(in);
                if (request == null) {
                    if (requestBytes + in.readableBytes() > limits.get().maxQueryBuffer()) {
                        throw new ProtocolException("query buffer limit reached (client-query-buffer-limit)");
                    }
                    return;
                }
                out.add(request);
            }
        } catch (ProtocolException e) {
            state = State.BROKEN;
            arguments = null;
            packed = null;
            bounds = null;
            bulk = EMPTY;
            in.skipBytes(in.readableBytes());
            out.add(e);
        }
    }

    /** @return a complete request, or null when more bytes are needed */
    private Object decodeOne(ByteBuf in) throws ProtocolException {
        DecoderLimits limit = limits.get();
        while (true) {
            switch (state) {
                case START -> {
                    state = in.getByte(in.readerIndex()) == '*' ? State.ARGUMENT_COUNT : State.INLINE;
                }
                case ARGUMENT_COUNT -> {
                    int lineEnd = findLineEnd(in, limit, "too big mbulk count string");
                    if (lineEnd < 0) {
                        return null;
                    }
                    long count = parseLength(in, in.readerIndex() + 1, lineEnd, "invalid multibulk length");
                    in.readerIndex(lineEnd + 2);
                    if (count <= 0) {
                        // "*0" and "*-1" are empty requests: Redis skips them.
                        state = State.START;
                        if (!in.isReadable()) {
                            return null;
                        }
                        continue;
                    }
                    if (count > limit.maxArguments()) {
                        throw new ProtocolException("invalid multibulk length");
                    }
                    // A large count is packed, and grown as its words arrive: claiming it costs
                    // nothing until the words are sent.
                    if (count > PACK_THRESHOLD) {
                        packed = new byte[4096];
                        bounds = new int[PACK_THRESHOLD + 1];
                    } else {
                        arguments = new byte[(int) count][];
                    }
                    argumentIndex = 0;
                    expected = (int) count;
                    state = State.BULK_LENGTH;
                }
                case BULK_LENGTH -> {
                    if (!in.isReadable()) {
                        return null;
                    }
                    byte type = in.getByte(in.readerIndex());
                    if (type != '$') {
                        throw new ProtocolException("expected '$', got '" + printable(type) + "'");
                    }
                    int lineEnd = findLineEnd(in, limit, "too big bulk count string");
                    if (lineEnd < 0) {
                        return null;
                    }
                    long length = parseLength(in, in.readerIndex() + 1, lineEnd, "invalid bulk length");
                    if (length < 0 || length > limit.maxBulkLength() || length > Integer.MAX_VALUE - 8) {
                        throw new ProtocolException("invalid bulk length");
                    }
                    in.readerIndex(lineEnd + 2);
                    bulkLength = (int) length;
                    state = State.BULK_DATA;
                }
                case BULK_DATA -> {
                    if (!readBulk(in)) {
                        return null;
                    }
                    if (argumentIndex == expected) {
                        Request request = packed != null ? Request.packed(packed, bounds) : Request.of(arguments);
                        arguments = null;
                        packed = null;
                        bounds = null;
                        requestBytes = 0;
                        state = State.START;
                        return request;
                    }
                    state = State.BULK_LENGTH;
                }
                case INLINE -> {
                    int lineEnd = findInlineEnd(in, limit);
                    if (lineEnd < 0) {
                        return null;
                    }
                    int start = in.readerIndex();
                    int end = lineEnd > start && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
                    byte[] line = new byte[end - start];
                    in.getBytes(start, line);
                    in.readerIndex(lineEnd + 1);
                    state = State.START;
                    byte[][] words = InlineParser.split(line);
                    if (words.length > 0) {
                        return Request.of(words);
                    }
                    if (!in.isReadable()) {
                        return null;
                    }
                }
                case BROKEN -> {
                    in.skipBytes(in.readableBytes());
                    return null;
                }
            }
        }
    }

    /**
     * Copies the bytes of the current argument out of the buffer as they arrive, so that the
     * buffer never holds more than one read however large the argument (Netty grows a cumulation
     * buffer by 4 MiB steps, copying it at each: a 256 MB VWRITE took seconds). The argument's
     * array is allocated once, at its announced length (bounded by proto-max-bulk-len), as Redis
     * does: each byte is then copied once.
     *
     * @return true when the argument and the two bytes after it have been read
     */
    private boolean readBulk(ByteBuf in) throws ProtocolException {
        int take = Math.min(in.readableBytes(), bulkLength - bulkFilled);
        if (take > 0) {
            if (packed != null) {
                // The packed words hold the words still to come as well: doubled as a whole.
                int start = bounds[argumentIndex];
                long cap = Math.max(start + (long) bulkLength, Math.min(Integer.MAX_VALUE - 8, packed.length * 2L));
                packed = grown(packed, (long) start + bulkFilled + take, cap);
                in.readBytes(packed, start + bulkFilled, take);
            } else {
                if (bulkFilled == 0) {
                    bulk = allocate(bulkLength);
                }
                in.readBytes(bulk, bulkFilled, take);
            }
            bulkFilled += take;
            requestBytes += take;
        }
        // Redis does not check the two bytes after the data either: it skips them.
        if (bulkFilled < bulkLength || in.readableBytes() < 2) {
            return false;
        }
        in.skipBytes(2);
        if (packed != null) {
            if (argumentIndex + 1 == bounds.length) {
                bounds = Arrays.copyOf(bounds, (int) Math.min((long) expected + 1, bounds.length * 2L));
            }
            bounds[argumentIndex + 1] = bounds[argumentIndex] + bulkLength;
            argumentIndex++;
        } else {
            arguments[argumentIndex++] = bulk;
        }
        bulk = EMPTY;
        bulkFilled = 0;
        return true;
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * {@code array}, or a copy of it with room for at least {@code needed} bytes: doubled rather
     * than grown by what is needed (linear in all), never past {@code cap}.
     */
    private static byte[] grown(byte[] array, long needed, long cap) throws ProtocolException {
        if (array.length >= needed) {
            return array;
        }
        return allocateCopy(array, Math.min(cap, Math.max(needed, array.length * 2L)));
    }

    private static byte[] allocate(int length) throws ProtocolException {
        return allocateCopy(EMPTY, length);
    }

    private static byte[] allocateCopy(byte[] array, long size) throws ProtocolException {
        try {
            return Arrays.copyOf(array, (int) size);
        } catch (OutOfMemoryError e) {
            // One client's huge argument must not take the others down: refuse it and close.
            throw new ProtocolException("not enough memory for an argument of " + size + " bytes");
        }
    }

    /** Bytes received and not yet parsed or copied out (what the cumulation buffer holds). */
    int unparsedBytes() {
        return actualReadableBytes();
    }

    /** Index of the '\r' of "\r\n" ending the line at the reader index, or -1 when not there yet. */
    private int findLineEnd(ByteBuf in, DecoderLimits limit, String tooBig) throws ProtocolException {
        int start = in.readerIndex();
        int from = start + lineSearched;
        int newline = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (newline < 0) {
            lineSearched = in.writerIndex() - start;
            if (lineSearched > limit.maxInlineLength()) {
                throw new ProtocolException(tooBig);
            }
            return -1;
        }
        lineSearched = 0;
        if (newline == start || in.getByte(newline - 1) != '\r') {
            // RESP lines end in "\r\n"; a bare '\n' means the peer is not speaking RESP.
            throw new ProtocolException(tooBig.contains("mbulk") ? "invalid multibulk length" : "invalid bulk length");
        }
        return newline - 1;
    }

    /** Index of the '\n' ending an inline command, or -1 when not there yet. */
    private int findInlineEnd(ByteBuf in, DecoderLimits limit) throws ProtocolException {
        int start = in.readerIndex();
        int newline = in.indexOf(start + lineSearched, in.writerIndex(), (byte) '\n');
        if (newline < 0) {
            lineSearched = in.writerIndex() - start;
            if (lineSearched > limit.maxInlineLength()) {
                throw new ProtocolException("too big inline request");
            }
            return -1;
        }
        lineSearched = 0;
        return newline;
    }

    /**
     * Parses the digits of a length line ({@code *3}, {@code $5}) between the type byte and '\r',
     * in place, with the rules of {@link AsciiNumbers#parseLong}: an optional '-', no leading
     * zeros, at most 18 digits.
     */
    private static long parseLength(ByteBuf in, int from, int to, String error) throws ProtocolException {
        int i = from;
        boolean negative = i < to && in.getByte(i) == '-';
        if (negative) {
            i++;
        }
        int digits = to - i;
        if (digits <= 0 || digits > 18 || (digits > 1 && in.getByte(i) == '0')) {
            throw new ProtocolException(error);
        }
        long value = 0;
        for (; i < to; i++) {
            int digit = in.getByte(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new ProtocolException(error);
            }
            value = value * 10 + digit;
        }
        if (negative && value == 0) {
            throw new ProtocolException(error);
        }
        return negative ? -value : value;
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}

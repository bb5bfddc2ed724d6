package io.redmap.protocol;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.List;

/**
 * {@link RespDecoder}'s fast path: whole, well-formed multibulk requests parsed from a copied
 * window of the input, without the state machine.
 */
final class WholeRequests {
    /** Bytes copied at a time: a pipeline of small requests fits many times over. */
    private static final int WINDOW = 16 * 1024;
    /**
     * One window per event loop thread (a decoder only ever runs on its channel's event loop), and
     * where the words of the request being parsed lie in it (grown for longer requests).
     */
    private static final class Scratch {
        final byte[] window = new byte[WINDOW];
        int[] spans = new int[64];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private WholeRequests() {
    }

    /**
     * The fast path, for the common case of small, well-formed requests that have arrived whole:
     * copies up to {@link #WINDOW} bytes out of the buffer at once (reading a direct buffer a
     * byte at a time costs far more) and parses every whole request in them. Anything it does not
     * plainly accept (a request cut off by the window or the read, a zero count, a leading zero,
     * a line out of shape) is left to {@link RespDecoder}'s state machine, which gives the errors:
     * the two paths accept exactly the same requests.
     *
     * @return the number of bytes consumed; 0 when the first request is left to the state machine
     */
    static int decode(ByteBuf in, DecoderLimits limit, List<Object> out) {
        Scratch scratch = SCRATCH.get();
        byte[] window = scratch.window;
        int available = Math.min(in.readableBytes(), WINDOW);
        in.getBytes(in.readerIndex(), window, 0, available);
        int position = 0;
        while (position < available && window[position] == '*') {
            int end = parseWhole(window, position, available, limit, scratch, out);
            if (end < 0) {
                break;
            }
            position = end;
        }
        in.skipBytes(position);
        return position;
    }

    /**
     * Parses the request at {@code start} when it lies whole in {@code bytes[start, end)} and is
     * well-formed, adding it to {@code out}.
     *
     * @return the index after the request, or -1 to leave it to the state machine
     */
    private static int parseWhole(byte[] bytes, int start, int end, DecoderLimits limit, Scratch scratch,
                                  List<Object> out) {
        int position = start + 1;
        long count = 0;
        int digitsEnd = digitsEnd(bytes, position, end);
        if (!plainLength(bytes, position, digitsEnd, end)) {
            return -1;
        }
        for (; position < digitsEnd; position++) {
            count = count * 10 + (bytes[position] - '0');
        }
        position += 2;
        // Each argument takes at least "$0\r\n\r\n": a count that cannot fit is not allocated.
        if (count == 0 || count > limit.maxArguments() || count * 6 > end - position) {
            return -1;
        }
        // First where each word lies in the window (start, length), then one copy a word, or one
        // array for all of them when there are many.
        if (scratch.spans.length < 2 * count) {
            scratch.spans = new int[2 * (int) count];
        }
        int[] spans = scratch.spans;
        int wordBytes = 0;
        for (int i = 0; i < count; i++) {
            if (position >= end || bytes[position] != '$') {
                return -1;
            }
            digitsEnd = digitsEnd(bytes, ++position, end);
            if (!plainLength(bytes, position, digitsEnd, end)) {
                return -1;
            }
            int length = 0;
            for (; position < digitsEnd; position++) {
                length = length * 10 + (bytes[position] - '0');
            }
            position += 2;
            if (length > limit.maxBulkLength() || length + 2 > end - position) {
                return -1;
            }
            spans[2 * i] = position;
            spans[2 * i + 1] = length;
            wordBytes += length;
            // As in the state machine (and Redis): the two bytes after the data are skipped unread.
            position += length + 2;
        }
        out.add(count > RespDecoder.PACK_THRESHOLD ? packWords(bytes, spans, (int) count, wordBytes)
                : copyWords(bytes, spans, (int) count));
        return position;
    }

    /** The {@code count} words at {@code spans} (start, length pairs), an array each. */
    private static Request copyWords(byte[] bytes, int[] spans, int count) {
        byte[][] words = new byte[count][];
        for (int i = 0; i < words.length; i++) {
            words[i] = Arrays.copyOfRange(bytes, spans[2 * i], spans[2 * i] + spans[2 * i + 1]);
        }
        return Request.of(words);
    }

    /** The {@code count} words at {@code spans} (start, length pairs) back to back in one array. */
    private static Request packWords(byte[] bytes, int[] spans, int count, int wordBytes) {
        byte[] packed = new byte[wordBytes];
        int[] bounds = new int[count + 1];
        for (int i = 0; i < count; i++) {
            System.arraycopy(bytes, spans[2 * i], packed, bounds[i], spans[2 * i + 1]);
            bounds[i + 1] = bounds[i] + spans[2 * i + 1];
        }
        return Request.packed(packed, bounds);
    }

    private static int digitsEnd(byte[] bytes, int from, int end) {
        int position = from;
        while (position < end && bytes[position] >= '0' && bytes[position] <= '9') {
            position++;
        }
        return position;
    }

    /** 1 to 9 digits without a leading zero (or a lone 0), then "\r\n", all within the window. */
    private static boolean plainLength(byte[] bytes, int from, int digitsEnd, int end) {
        int digits = digitsEnd - from;
        return digits >= 1 && digits <= 9 && (digits == 1 || bytes[from] != '0')
                && digitsEnd + 1 < end && bytes[digitsEnd] == '\r' && bytes[digitsEnd + 1] == '\n';
    }
}

package io.redmap.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The words of one request: the command name, then its arguments.
 *
 * <p>A request of a few words keeps one array a word. A request of thousands (a VMGET of a million
 * indices) keeps its words back to back in a single array with their bounds: a million small arrays
 * would each be an object for the garbage collector to copy while the request is read, and pauses
 * of hundreds of milliseconds for every other client were what that cost. Its words are copied
 * out when asked for, which makes garbage that dies at once.
 */
public final class Request {
    private final byte[][] words;
    private final byte[] packed;
    /** For a packed request: word i is {@code packed[bounds[i], bounds[i + 1])}. */
    private final int[] bounds;

    private Request(byte[][] words, byte[] packed, int[] bounds) {
        this.words = words;
        this.packed = packed;
        this.bounds = bounds;
    }

    /** A request of the given words (not copied). */
    public static Request of(byte[]... words) {
        return new Request(words, null, null);
    }

    /** A request whose words lie back to back in {@code packed}: word i is {@code [bounds[i], bounds[i + 1])}. */
    static Request packed(byte[] packed, int[] bounds) {
        return new Request(null, packed, bounds);
    }

    /** The number of words, the command name included. */
    public int size() {
        return words != null ? words.length : bounds.length - 1;
    }

    /** Word {@code index}: not to be modified (a packed request hands out a copy). */
    public byte[] word(int index) {
        if (words != null) {
            return words[index];
        }
        return Arrays.copyOfRange(packed, bounds[index], bounds[index + 1]);
    }

    /**
     * Word {@code index} as an integer ({@link AsciiNumbers#parseLong(byte[])}'s rules), read in
     * place: a VMGET of a million indices parses them without a copy each.
     *
     * @throws NumberFormatException when the word is not an integer
     */
    public long parseLong(int index) {
        if (words != null) {
            return AsciiNumbers.parseLong(words[index]);
        }
        return AsciiNumbers.parseLong(packed, bounds[index], bounds[index + 1]);
    }

    /** Words {@code [from, size())} as a request of their own. */
    public Request from(int from) {
        byte[][] rest = new byte[size() - from][];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = word(from + i);
        }
        return of(rest);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Request[");
        for (int i = 0; i < size(); i++) {
            text.append(i == 0 ? "" : ", ").append(new String(word(i), StandardCharsets.ISO_8859_1));
        }
        return text.append(']').toString();
    }
}

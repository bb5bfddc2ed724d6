package io.redmap.acl;

import java.util.function.IntFunction;

/**
 * What a permission check reads of a request: the command, its words, where its keys are (the
 * command table's first/last/step) and whether it reads or writes them, and which words are channels.
 *
 * @param keyLast negative counts from the end, as the command table's key positions
 * @param keyAccess {@link #READ} or {@link #WRITE}
 */
public record AccessRequest(AclCommand command, int argc, IntFunction<byte[]> words, int keyFirst, int keyLast,
                            int keyStep, int keyAccess, Channels channels) {
    public static final int READ = KeyPattern.READ;
    public static final int WRITE = KeyPattern.WRITE;

    /** Which words name channels: PUBLISH's first, every one of SUBSCRIBE's, PSUBSCRIBE's patterns. */
    public enum Channels { NONE, FIRST, ALL, ALL_PATTERNS }

    /** The first word after the name: what a first-arg rule ({@code +select|0}) allows. */
    byte[] firstArg() {
        return argc > 1 ? words.apply(1) : null;
    }

    /** The last word that is a key, or -1 when the command names none. */
    int lastKey() {
        if (keyFirst <= 0 || keyFirst >= argc) {
            return -1;
        }
        return keyLast < 0 ? argc + keyLast : Math.min(keyLast, argc - 1);
    }

    int firstChannel() {
        return channels == Channels.NONE || argc < 2 ? -1 : 1;
    }

    int lastChannel() {
        return channels == Channels.FIRST ? Math.min(1, argc - 1) : argc - 1;
    }
}

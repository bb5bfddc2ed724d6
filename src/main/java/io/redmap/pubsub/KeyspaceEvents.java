package io.redmap.pubsub;

import io.redmap.keyspace.ByteKey;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications as Redis's notify.c has them: {@code notify-keyspace-events} is a set of
 * flag letters, and an event of an enabled class is published on
 * {@code __keyspace@<db>__:<key>} (payload: the event) and/or {@code __keyevent@<db>__:<event>}
 * (payload: the key). Array commands raise events of the module class {@code d}.
 */
public final class KeyspaceEvents {
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int MODULE = 1 << 12;
    public static final int NEW = 1 << 13;
    /** What {@code A} stands for: every class but key-miss and new-key, as in Redis. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** Redis's order when it writes the flags back (keyspaceEventsFlagsToString). */
    private static final String CLASS_LETTERS = "g$lshzxetdn";
    private static final int[] CLASS_FLAGS = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};

    private final PubSub pubsub;
    private volatile int flags;

    public KeyspaceEvents(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    /** CONFIG SET notify-keyspace-events took a new value (already normalised). */
    public void configure(String value) {
        flags = parse(value);
    }

    /**
     * The letters as a flag set.
     *
     * @throws IllegalArgumentException with Redis's reason for an unknown letter
     */
    public static int parse(String value) {
        int parsed = 0;
        for (char c : value.toCharArray()) {
            parsed |= switch (c) {
                case 'A' -> ALL;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 'm' -> KEY_MISS;
                default -> {
                    int index = CLASS_LETTERS.indexOf(c);
                    if (index < 0) {
                        throw new IllegalArgumentException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                    }
                    yield CLASS_FLAGS[index];
                }
            };
        }
        return parsed;
    }

    /** The flags as CONFIG GET shows them: {@code A} when all classes are on, then K, E, m. */
    public static String format(int flags) {
        StringBuilder text = new StringBuilder();
        if ((flags & ALL) == ALL) {
            text.append('A');
        } else {
            for (int i = 0; i < CLASS_FLAGS.length; i++) {
                if ((flags & CLASS_FLAGS[i]) != 0) {
                    text.append(CLASS_LETTERS.charAt(i));
                }
            }
        }
        if ((flags & KEYSPACE) != 0) {
            text.append('K');
        }
        if ((flags & KEYEVENT) != 0) {
            text.append('E');
        }
        if ((flags & KEY_MISS) != 0) {
            text.append('m');
        }
        return text.toString();
    }

    /** CONFIG SET's normaliser. */
    public static String normalize(String value) {
        return format(parse(value));
    }

    /**
     * Publishes an event of class {@code type} about {@code key}, if that class is enabled; under
     * the command lock. The connection that caused it gets its own notifications {@code inline}.
     */
    /** Whether events of this class are published at all: the caller may skip building them. */
    public boolean enabled(int type) {
        return (flags & type) != 0;
    }

    public void notify(int type, String event, int db, ByteKey key, Subscriber publisher, PubSub.Delivery inline) {
        int enabled = flags;
        if ((enabled & type) == 0) {
            return;
        }
        byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
        if ((enabled & KEYSPACE) != 0) {
            pubsub.publish(concat("__keyspace@" + db + "__:", key.bytes()), eventBytes, publisher, inline);
        }
        if ((enabled & KEYEVENT) != 0) {
            pubsub.publish(concat("__keyevent@" + db + "__:", eventBytes), key.bytes(), publisher, inline);
        }
    }

    private static byte[] concat(String prefix, byte[] tail) {
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] joined = new byte[head.length + tail.length];
        System.arraycopy(head, 0, joined, 0, head.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        return joined;
    }
}

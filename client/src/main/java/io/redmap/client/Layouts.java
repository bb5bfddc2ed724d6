package io.redmap.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each key's element type and row shape as last seen ({@code VTYPE}, {@code VSHAPE}), so that a
 * read or gather costs one round trip, not three. The count (first axis) changes with every append:
 * reads that need it, and every write, ask the server again. A reply whose length does not fit the
 * remembered rows, or an error, makes the client forget the key; a key mapped again by someone
 * else with another type of the same width is the one change it cannot see ({@link RedmapClient#forget}).
 */
final class Layouts {
    /** Beyond this many keys the map starts afresh: a bound on memory, not an eviction policy. */
    private static final int MAX_KEYS = 10_000;

    private final Wire wire;
    private final Map<String, ArrayInfo> known = new ConcurrentHashMap<>();

    Layouts(Wire wire) {
        this.wire = wire;
    }

    /** The key's type and shape as remembered (its count may be stale), asking the server the first time. */
    ArrayInfo remembered(String key) {
        ArrayInfo info = known.get(key);
        return info != null ? info : fresh(key);
    }

    /** The key's type and shape now, from the server. */
    ArrayInfo fresh(String key) {
        ArrayInfo info;
        try {
            info = new ArrayInfo(wire.vtype(key), wire.vshape(key));
        } catch (RuntimeException e) {
            known.remove(key);
            throw e;
        }
        if (known.size() >= MAX_KEYS) {
            known.clear();
        }
        known.put(key, info);
        return info;
    }

    void forget(String key) {
        known.remove(key);
    }
}

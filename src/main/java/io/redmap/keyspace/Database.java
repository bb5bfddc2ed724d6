package io.redmap.keyspace;

import io.redmap.store.MappedArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** One of the numbered databases: keys and the arrays they map. */
public final class Database {
    private final int index;
    private final Map<ByteKey, MappedArray> entries = new HashMap<>();

    Database(int index) {
        this.index = index;
    }

    public int index() {
        return index;
    }

    public MappedArray get(ByteKey key) {
        return entries.get(key);
    }

    public int size() {
        return entries.size();
    }

    public Collection<ByteKey> keys() {
        return entries.keySet();
    }

    Map<ByteKey, MappedArray> entries() {
        return entries;
    }

    void put(ByteKey key, MappedArray array) {
        entries.put(key, array);
    }

    MappedArray remove(ByteKey key) {
        return entries.remove(key);
    }

    /** One page of a SCAN and the cursor that continues it (0 when done). */
    public record ScanPage(long nextCursor, List<ByteKey> keys) {
    }

    /**
     * A SCAN step. The cursor is a position in the space of 32-bit key hashes, walked in order:
     * a key present for the whole scan is returned exactly once, whatever is added or removed
     * meanwhile, as Redis guarantees. Keys sharing a hash are returned together. A cursor is the
     * next hash plus one, so that 0 can mean both "start" and "done", as in Redis.
     */
    public ScanPage scan(long cursor, int count, Predicate<ByteKey> filter) {
        long fromHash = cursor == 0 ? 0 : cursor - 1;
        List<ByteKey> sorted = new ArrayList<>();
        for (ByteKey key : entries.keySet()) {
            if (Integer.toUnsignedLong(key.hashCode()) >= fromHash) {
                sorted.add(key);
            }
        }
        sorted.sort((a, b) -> Integer.compareUnsigned(a.hashCode(), b.hashCode()));
        List<ByteKey> page = new ArrayList<>();
        int taken = 0;
        for (int i = 0; i < sorted.size(); i++) {
            ByteKey key = sorted.get(i);
            boolean sameHashAsPrevious = i > 0 && sorted.get(i - 1).hashCode() == key.hashCode();
            if (taken >= count && !sameHashAsPrevious) {
                return new ScanPage(Integer.toUnsignedLong(key.hashCode()) + 1, page);
            }
            taken++;
            if (filter.test(key)) {
                page.add(key);
            }
        }
        return new ScanPage(0, page);
    }
}

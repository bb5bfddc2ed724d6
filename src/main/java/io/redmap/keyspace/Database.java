package io.redmap.keyspace;

import io.redmap.store.MappedArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** One of the numbered databases: keys and the arrays they map. */
public final class Database {
    private final int index;
    /**
     * Concurrent so that a lookup without the command lock (the server's lock-free array reads)
     * never sees a table half-resized or loops in a bin being rebalanced; changes are still made
     * under the command lock only, and such a reader validates what it found afterwards.
     */
    private Map<ByteKey, MappedArray> entries = new ConcurrentHashMap<>();
    /**
     * The keys as of the last change of the key set, for RANDOMKEY (null once the set changed): a
     * HashMap cannot pick an entry at random, so the pool is rebuilt, once, after a change. Array
     * commands never change the key set, so a workload of them keeps one pool.
     */
    private ByteKey[] randomPool;

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

    /** The keys and their arrays, to read (the catalogue's snapshot); changes go through the methods below. */
    Map<ByteKey, MappedArray> entries() {
        return Collections.unmodifiableMap(entries);
    }

    void put(ByteKey key, MappedArray array) {
        entries.put(key, array);
        randomPool = null;
    }

    MappedArray remove(ByteKey key) {
        randomPool = null;
        return entries.remove(key);
    }

    void putAll(Map<ByteKey, MappedArray> more) {
        entries.putAll(more);
        randomPool = null;
    }

    void clear() {
        entries.clear();
        randomPool = null;
    }

    /** SWAPDB: this database and the other trade their keys; each keeps its number. */
    void swapKeys(Database other) {
        Map<ByteKey, MappedArray> mine = entries;
        entries = other.entries;
        other.entries = mine;
        randomPool = null;
        other.randomPool = null;
    }

    /** A key chosen at random, each with the same chance (RANDOMKEY), or null when there is none. */
    public ByteKey randomKey(RandomGenerator random) {
        if (entries.isEmpty()) {
            return null;
        }
        if (randomPool == null) {
            randomPool = entries.keySet().toArray(ByteKey[]::new);
        }
        return randomPool[random.nextInt(randomPool.length)];
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

package io.redmap.keyspace;

import io.redmap.persistence.Catalogue;

import java.util.ArrayList;
import java.util.List;

/**
 * Catalogue entries whose file could not be mapped at start (missing, refused). They stay in
 * the catalogue until the key is mapped, deleted or flushed, so that an operator can put the
 * file back and restart without losing the key. Changed under the command lock, like the keyspace.
 */
final class UnavailableEntries {
    private final List<Catalogue.Entry> entries = new ArrayList<>();

    void add(Catalogue.Entry entry) {
        entries.add(entry);
    }

    /** Puts back an entry that {@link #take} or {@link #takeDatabases} removed; null is nothing. */
    void restore(Catalogue.Entry entry) {
        if (entry != null) {
            entries.add(entry);
        }
    }

    void restoreAll(List<Catalogue.Entry> taken) {
        entries.addAll(taken);
    }

    /** Forgets the unavailable entry of a key (returned, or null when it had none). */
    Catalogue.Entry take(int db, ByteKey key) {
        for (int i = 0; i < entries.size(); i++) {
            Catalogue.Entry entry = entries.get(i);
            if (entry.db() == db && ByteKey.wrap(entry.key()).equals(key)) {
                return entries.remove(i);
            }
        }
        return null;
    }

    /** Forgets the entries of databases {@code first} to {@code last} (FLUSHDB, FLUSHALL), returned. */
    List<Catalogue.Entry> takeDatabases(int first, int last) {
        List<Catalogue.Entry> taken = new ArrayList<>();
        entries.removeIf(entry -> entry.db() >= first && entry.db() <= last && taken.add(entry));
        return taken;
    }

    /** SWAPDB: the entries of the two databases trade places, as their keys do. */
    void swapDatabases(int first, int second) {
        entries.replaceAll(entry -> entry.db() == first || entry.db() == second
                ? new Catalogue.Entry(entry.db() == first ? second : first, entry.key(), entry.spec()) : entry);
    }

    /** Adds them to a snapshot of the catalogue, which keeps them. */
    void addTo(List<Catalogue.Entry> snapshot) {
        snapshot.addAll(entries);
    }
}

package io.redmap.keyspace;

import io.redmap.RedmapException;
import io.redmap.persistence.Catalogue;
import io.redmap.store.ArraySpec;
import io.redmap.store.ArrayStore;
import io.redmap.store.MappedArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The databases and their keys, kept on disk by the {@link Catalogue} after every change, so
 * that the keyspace survives SIGTERM and kill -9 alike. Files are never deleted here: DEL,
 * FLUSHDB and FLUSHALL only unmap.
 */
public final class Keyspace implements AutoCloseable {
    private final Database[] databases;
    private final ArrayStore store;
    private final Catalogue catalogue;
    /**
     * Catalogue entries whose file could not be mapped at start (missing, refused). They stay in
     * the catalogue until the key is mapped, deleted or flushed, so that an operator can put the
     * file back and restart without losing the key.
     */
    private final List<Catalogue.Entry> unavailable = new ArrayList<>();
    private boolean deferCommits;
    private volatile boolean uncommitted;

    public Keyspace(int databaseCount, ArrayStore store, Catalogue catalogue) {
        this.databases = new Database[databaseCount];
        for (int i = 0; i < databaseCount; i++) {
            databases[i] = new Database(i);
        }
        this.store = store;
        this.catalogue = catalogue;
    }

    public int databaseCount() {
        return databases.length;
    }

    public Database database(int index) {
        return databases[index];
    }

    public ArrayStore store() {
        return store;
    }

    public MappedArray get(int db, ByteKey key) {
        return databases[db].get(key);
    }

    /** The array of a key, or {@code ERR You must do MMAP first}. */
    public MappedArray require(int db, ByteKey key) {
        MappedArray array = databases[db].get(key);
        if (array == null) {
            throw RedmapException.err("You must do MMAP first");
        }
        return array;
    }

    /**
     * MMAP: maps the array for the key, or confirms the mapping it already has.
     *
     * @return the array the key now maps
     */
    public MappedArray map(int db, ByteKey key, ArraySpec spec, boolean create) {
        Database database = databases[db];
        MappedArray existing = database.get(key);
        if (existing != null) {
            if (!existing.givenPath().equals(spec.path()) && !isSameFile(existing, spec.path())) {
                throw RedmapException.err("It is already mapped on another file");
            }
            existing.verifyOnDisk(); // a deleted file is an error, as for any other command, not a stale count
            if (!existing.isMappedAs(spec)) {
                throw RedmapException.err("It is already mapped with another type or mode");
            }
            return existing;
        }
        MappedArray array = store.open(spec, create);
        forgetUnavailable(db, key);
        database.put(key, array);
        persistOrUndo(() -> {
            database.remove(key);
            store.close(array);
        });
        return array;
    }

    /** Whether another spelling of a path names the file a key already maps. */
    private boolean isSameFile(MappedArray existing, String path) {
        try {
            return store.files().policy().resolve(path).toString().equals(existing.file().path());
        } catch (RedmapException e) {
            return false;
        }
    }

    /** DEL: unmaps the key; the file stays. */
    public boolean delete(int db, ByteKey key) {
        MappedArray array = databases[db].remove(key);
        if (array == null) {
            if (forgetUnavailable(db, key)) {
                persist();
            }
            return false;
        }
        store.close(array);
        persist();
        return true;
    }

    /**
     * RENAME: moves the mapping to another key name, replacing what that key mapped.
     *
     * @return false when {@code onlyIfAbsent} and the target exists
     */
    public boolean rename(int db, ByteKey from, ByteKey to, boolean onlyIfAbsent) {
        Database database = databases[db];
        MappedArray array = database.get(from);
        if (array == null) {
            throw RedmapException.err("no such key");
        }
        if (from.equals(to)) {
            return !onlyIfAbsent;
        }
        MappedArray replaced = database.get(to);
        if (replaced != null && onlyIfAbsent) {
            return false;
        }
        database.remove(from);
        database.put(to, array);
        if (replaced != null) {
            store.close(replaced);
        }
        persist();
        return true;
    }

    /** MOVE: moves a key to another database; false when it is missing or the target has it. */
    public boolean move(int db, ByteKey key, int targetDb) {
        MappedArray array = databases[db].get(key);
        if (array == null || databases[targetDb].get(key) != null) {
            return false;
        }
        databases[db].remove(key);
        databases[targetDb].put(key, array);
        persist();
        return true;
    }

    /** FLUSHDB: unmaps every key of one database. */
    public void flush(int db) {
        Map<ByteKey, MappedArray> entries = databases[db].entries();
        for (MappedArray array : entries.values()) {
            store.close(array);
        }
        entries.clear();
        unavailable.removeIf(entry -> entry.db() == db);
        persist();
    }

    public void flushAll() {
        for (Database database : databases) {
            for (MappedArray array : database.entries().values()) {
                store.close(array);
            }
            database.entries().clear();
        }
        unavailable.clear();
        persist();
    }

    public long size() {
        long total = 0;
        for (Database database : databases) {
            total += database.size();
        }
        return total;
    }

    /** Writes the catalogue now (also what SAVE does). */
    public void persist() {
        if (deferCommits) {
            uncommitted = true;
            return;
        }
        write();
    }

    private void write() {
        try {
            catalogue.save(snapshot());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the catalogue " + catalogue.file(), e);
        }
    }

    /**
     * Group commit: changes are written together, once per batch of requests, before the replies
     * that acknowledge them are sent (as Redis fsyncs its AOF before writing replies). Whoever
     * enables this must call {@link #commit} before acknowledging a change.
     */
    public void deferCommits(boolean defer) {
        this.deferCommits = defer;
    }

    public boolean hasUncommittedChanges() {
        return uncommitted;
    }

    /** Writes the catalogue if anything changed since the last write (SAVE writes it anyway). */
    public void commit() {
        if (uncommitted) {
            write();
            uncommitted = false;
        }
    }

    private void persistOrUndo(Runnable undo) {
        try {
            persist();
        } catch (UncheckedIOException e) {
            undo.run();
            throw RedmapException.err("cannot save the keyspace: " + e.getCause().getMessage());
        }
    }

    private List<Catalogue.Entry> snapshot() {
        List<Catalogue.Entry> entries = new ArrayList<>();
        for (Database database : databases) {
            for (Map.Entry<ByteKey, MappedArray> entry : database.entries().entrySet()) {
                MappedArray array = entry.getValue();
                ArraySpec spec = new ArraySpec(array.givenPath(), array.codec().type(), array.codec().size(),
                        array.dim(), array.isWritable());
                entries.add(new Catalogue.Entry(database.index(), entry.getKey().bytes(), spec));
            }
        }
        entries.addAll(unavailable);
        return entries;
    }

    private boolean forgetUnavailable(int db, ByteKey key) {
        return unavailable.removeIf(entry -> entry.db() == db && ByteKey.wrap(entry.key()).equals(key));
    }

    /** What loading the catalogue at start did. */
    public record LoadReport(int loaded, List<String> problems) {
    }

    /**
     * Maps every key of the catalogue. A key whose file is missing, or whose entry is damaged, is
     * reported and left out; it is never recreated empty, and its entry stays in the catalogue.
     */
    public LoadReport load() throws IOException {
        Catalogue.Loaded loaded = catalogue.load();
        List<String> problems = new ArrayList<>(loaded.damaged());
        int count = 0;
        for (Catalogue.Entry entry : loaded.entries()) {
            ByteKey key = ByteKey.wrap(entry.key());
            if (entry.db() < 0 || entry.db() >= databases.length) {
                problems.add("key '" + key + "': database " + entry.db() + " does not exist");
                continue;
            }
            if (databases[entry.db()].get(key) != null) {
                problems.add("key '" + key + "' is listed twice in database " + entry.db() + "; the first entry is kept");
                continue;
            }
            try {
                databases[entry.db()].put(key, store.open(entry.spec(), false));
                count++;
            } catch (RedmapException e) {
                unavailable.add(entry);
                problems.add("key '" + key + "' (" + entry.spec().path() + "): " + e.getMessage());
            }
        }
        return new LoadReport(count, problems);
    }

    @Override
    public void close() {
        store.close();
    }
}

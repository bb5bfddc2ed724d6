package io.redmap.keyspace;

import io.redmap.RedmapException;
import io.redmap.persistence.Catalogue;
import io.redmap.persistence.DamagedCatalogueException;
import io.redmap.store.ArraySpec;
import io.redmap.store.ArrayStore;
import io.redmap.store.MappedArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The databases and their keys, kept on disk by the {@link Catalogue} after every change, so
 * that the keyspace survives SIGTERM and kill -9 alike. Files are never deleted here: DEL,
 * FLUSHDB and FLUSHALL only unmap.
 *
 * <p>A change that the catalogue cannot save is undone ({@link UndoLog}), and while the catalogue
 * cannot be saved every change is refused before it starts ({@code -MISCONF}): the keyspace in
 * memory never runs ahead of the one on disk.
 */
public final class Keyspace implements AutoCloseable {
    private final Database[] databases;
    private final ArrayStore store;
    private final Catalogue catalogue;
    /** Catalogue entries whose file could not be mapped at start, kept in the catalogue. */
    private final UnavailableEntries unavailable = new UnavailableEntries();
    private final UndoLog undoLog = new UndoLog();
    private final KeyAccess access = new KeyAccess();
    private boolean deferCommits;
    private volatile boolean uncommitted;
    /** Why the last save failed; while set, changes are refused (Redis's MISCONF state). */
    private volatile String notSavedReason;

    /** The longest key name an array may have (SPEC D), so that no client can make the catalogue huge. */
    public static final int MAX_KEY_BYTES = 64 * 1024;
    /** Real paths of the files this server created (see {@link #createdHere}). */
    private final Set<String> createdFiles = ConcurrentHashMap.newKeySet();

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

    /** When each key was last used, and how often (OBJECT IDLETIME and FREQ). */
    public KeyAccess access() {
        return access;
    }

    public Path catalogueFile() {
        return catalogue.file();
    }

    public MappedArray get(int db, ByteKey key) {
        return databases[db].get(key);
    }

    /** RedisMMap's error for a key that is not mapped. */
    public static RedmapException noSuchArray() {
        return RedmapException.err("You must do MMAP first");
    }

    /** The array of a key, or {@code ERR You must do MMAP first}. */
    public MappedArray require(int db, ByteKey key) {
        MappedArray array = databases[db].get(key);
        if (array == null) {
            throw noSuchArray();
        }
        return array;
    }

    /**
     * MMAP: maps the array for the key, or confirms the mapping it already has.
     *
     * @return the array the key now maps
     */
    public MappedArray map(int db, ByteKey key, ArraySpec spec, boolean create) {
        refuseWhileNotSaved();
        checkKeyLength(key);
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
        Path missing = create ? CreatedFile.missing(store, spec.path()) : null;
        MappedArray array = store.open(spec, create);
        CreatedFile created = CreatedFile.after(missing);
        Catalogue.Entry forgotten = unavailable.take(db, key);
        database.put(key, array);
        if (created != null) {
            createdFiles.add(array.file().path());
        }
        changed(() -> {
            database.remove(key);
            if (created != null) {
                createdFiles.remove(array.file().path());
            }
            store.close(array);
            unavailable.restore(forgotten);
            if (created != null) {
                created.deleteIfUnchanged(store, array);
            }
        }, null);
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

    /**
     * Whether this server made the file (a writable MMAP that created it, or a MIGRATE that brought
     * it here) since it started: MIGRATE deletes such a file once its key has moved away, and leaves
     * every other file where it was.
     */
    public boolean createdHere(String realPath) {
        return createdFiles.contains(realPath);
    }

    /** A file MIGRATE brought here: as if a writable MMAP had created it. */
    public void markCreated(String realPath) {
        createdFiles.add(realPath);
    }

    /** The file is gone (deleted after its key moved away). */
    public void forgetCreated(String realPath) {
        createdFiles.remove(realPath);
    }

    /** DEL: unmaps the key; the file stays. */
    public boolean delete(int db, ByteKey key) {
        refuseWhileNotSaved();
        MappedArray array = databases[db].remove(key);
        if (array == null) {
            Catalogue.Entry forgotten = unavailable.take(db, key);
            if (forgotten != null) {
                changed(() -> unavailable.restore(forgotten), null);
            }
            return false;
        }
        changed(() -> databases[db].put(key, array), () -> store.close(array));
        return true;
    }

    /**
     * RENAME: moves the mapping to another key name, replacing what that key mapped.
     *
     * @return false when {@code onlyIfAbsent} and the target exists
     */
    public boolean rename(int db, ByteKey from, ByteKey to, boolean onlyIfAbsent) {
        refuseWhileNotSaved();
        checkKeyLength(to);
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
        changed(() -> {
            database.remove(to);
            if (replaced != null) {
                database.put(to, replaced);
            }
            database.put(from, array);
        }, replaced == null ? null : () -> store.close(replaced));
        return true;
    }

    /**
     * MOVE: moves a key to another database; false when it is missing or the target has it. It
     * needs no check of the name's length: the name is one the key already has.
     */
    public boolean move(int db, ByteKey key, int targetDb) {
        refuseWhileNotSaved();
        MappedArray array = databases[db].get(key);
        if (array == null || databases[targetDb].get(key) != null) {
            return false;
        }
        databases[db].remove(key);
        databases[targetDb].put(key, array);
        changed(() -> {
            databases[targetDb].remove(key);
            databases[db].put(key, array);
        }, null);
        return true;
    }

    /**
     * SWAPDB: the two databases trade their keys (with the entries whose file is missing), as one
     * change of the catalogue. Clients stay on their database numbers and see the other's keys.
     */
    public void swap(int first, int second) {
        refuseWhileNotSaved();
        if (first == second) {
            return;
        }
        Runnable swap = () -> {
            databases[first].swapKeys(databases[second]);
            unavailable.swapDatabases(first, second);
        };
        swap.run();
        changed(swap, null);
    }

    /** FLUSHDB: unmaps every key of one database. */
    public void flush(int db) {
        refuseWhileNotSaved();
        flushDatabases(db, db);
    }

    public void flushAll() {
        refuseWhileNotSaved();
        flushDatabases(0, databases.length - 1);
    }

    private void flushDatabases(int first, int last) {
        List<Map<ByteKey, MappedArray>> removed = new ArrayList<>();
        for (int db = first; db <= last; db++) {
            removed.add(new HashMap<>(databases[db].entries()));
            databases[db].clear();
        }
        List<Catalogue.Entry> forgotten = unavailable.takeDatabases(first, last);
        changed(() -> {
            for (int db = first; db <= last; db++) {
                databases[db].putAll(removed.get(db - first));
            }
            unavailable.restoreAll(forgotten);
        }, () -> removed.forEach(entries -> entries.values().forEach(store::close)));
    }

    public long size() {
        long total = 0;
        for (Database database : databases) {
            total += database.size();
        }
        return total;
    }

    /** Writes the catalogue now, whatever changed (SAVE, and the retry while it cannot be saved). */
    public void save() {
        uncommitted = true;
        commit();
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

    /** The number of the last change ever made: a command that changed the keyspace moved it. */
    public long changes() {
        return undoLog.last();
    }

    /**
     * Writes the catalogue if anything changed since the last write. When it cannot be written,
     * every change since the last save is undone (the keyspace is again what the catalogue on disk
     * says), and changes are refused until a save succeeds.
     *
     * @throws KeyspaceNotSaved when the catalogue could not be written
     */
    public void commit() {
        if (!uncommitted) {
            return;
        }
        try {
            catalogue.save(snapshot());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // OutOfMemoryError too: a huge catalogue fails to build, the rest of the server goes on.
            long first = undoLog.firstUnsaved();
            List<String> problems = undoLog.undoAll();
            uncommitted = false;
            notSavedReason = KeyspaceNotSaved.reason(e);
            throw new KeyspaceNotSaved(notSavedReason, first, undoLog.last(), problems);
        }
        uncommitted = false;
        notSavedReason = null;
        undoLog.saved();
    }

    /** Why the catalogue could not be saved, while changes are refused for it; null when all is well. */
    public String notSavedReason() {
        return notSavedReason;
    }

    private void refuseWhileNotSaved() {
        String reason = notSavedReason;
        if (reason != null) {
            throw new RedmapException("MISCONF", KeyspaceNotSaved.message(reason));
        }
    }

    private static void checkKeyLength(ByteKey key) {
        if (key.bytes().length > MAX_KEY_BYTES) {
            throw RedmapException.err("key name too long");
        }
    }

    /** Notes a change: written now, or at the next commit when commits are deferred. */
    private void changed(Runnable undo, Runnable release) {
        undoLog.record(undo, release);
        uncommitted = true;
        if (!deferCommits) {
            commit();
        }
    }

    private List<Catalogue.Entry> snapshot() {
        List<Catalogue.Entry> entries = new ArrayList<>();
        for (Database database : databases) {
            for (Map.Entry<ByteKey, MappedArray> entry : database.entries().entrySet()) {
                // From the key alone: a key whose file is not opened yet is saved as it was loaded.
                entries.add(new Catalogue.Entry(database.index(), entry.getKey().bytes(), entry.getValue().spec()));
            }
        }
        unavailable.addTo(entries);
        return entries;
    }

    /** What loading the catalogue at start did; {@code damagedCopy} is null unless it was damaged. */
    public record LoadReport(int loaded, List<String> problems, Path damagedCopy) {
    }

    /**
     * Maps every key of the catalogue (opening most files later: see below). A key whose file is missing is reported and left out; it is
     * never recreated empty, and its entry stays in the catalogue (so does one of a database that
     * no longer exists). A damaged catalogue stops the load unless {@code loadDamaged}: then a
     * copy of it is kept first, and its readable entries are loaded.
     *
     * @throws DamagedCatalogueException when the catalogue is damaged and not {@code loadDamaged}
     */
    public LoadReport load(boolean loadDamaged) throws IOException {
        return new CatalogueLoad(databases, store, catalogue, unavailable).run(loadDamaged);
    }

    @Override
    public void close() {
        store.close();
    }
}

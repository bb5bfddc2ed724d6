package io.redmap.server;

import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Database;
import io.redmap.keyspace.Keyspace;
import io.redmap.store.ArrayStore;
import io.redmap.store.ArraySpec;
import io.redmap.store.MappedArray;

import java.util.List;

/**
 * The pass that opens, after a start, the catalogue's files that the load left for later
 * ({@link ArrayStore#openLater}): a few seconds after the server answers, every key's file is
 * open and mapped, as if the start had opened them all (same files open, same mappings; the
 * descriptors closed, as the first housekeeping closes a load's).
 *
 * <p>In batches: each batch's files are opened and mapped ahead on this thread without the
 * command lock ({@link ArrayStore#preopenWithoutLock}: the system calls, most of the work), then
 * handed to their keys under the lock, which that takes well under a millisecond per batch, so
 * that no client waits long behind it. A command that needs a key's file first opens it
 * itself, under the lock; a listing of every open file (INFO mmap...) opens all that are left.
 */
final class DeferredOpens implements Runnable {
    /** Files per batch: about 25 ms of opening ahead on one core, well under 1 ms under the lock. */
    static final int BATCH = 256;
    /**
     * The pass waits this long after the start, so that it does not compete with the first
     * clients; {@code -Dredmap.deferredOpens.delayMillis} changes it (the tests hold the pass back
     * to see keys before their files are opened).
     */
    static final String DELAY_PROPERTY = "redmap.deferredOpens.delayMillis";
    private static final long DELAY_MILLIS = Long.getLong(DELAY_PROPERTY, 200);

    private final ServerState state;

    private DeferredOpens(ServerState state) {
        this.state = state;
    }

    /**
     * Starts the pass on a daemon thread of its own, which ends once no file is left to open; from
     * now on a file that fails to open, here or at its first use, is logged as the load logs one.
     */
    static void start(ServerState state) {
        state.keyspace().store().onDeferredFailure((array, why) ->
                Log.warning("catalogue: " + keyOf(state.keyspace(), array) + "(" + array.givenPath() + "): " + why));
        if (state.keyspace().store().deferredCount() > 0) {
            Thread.ofPlatform().name("redmap-open").daemon().start(new DeferredOpens(state));
        }
    }

    @Override
    public void run() {
        try {
            Thread.sleep(DELAY_MILLIS);
            long start = System.nanoTime();
            int opened = 0;
            ArrayStore store = state.keyspace().store();
            while (true) {
                List<MappedArray> batch;
                List<ArraySpec> specs;
                state.commandLock().lock();
                try {
                    batch = store.nextDeferred(BATCH);
                    specs = batch.stream().map(MappedArray::spec).toList();
                } finally {
                    state.commandLock().unlock();
                }
                if (batch.isEmpty()) {
                    break;
                }
                store.preopenWithoutLock(specs);
                state.commandLock().lock();
                try {
                    opened += store.openDeferred(batch);
                } finally {
                    state.commandLock().unlock();
                }
            }
            Log.verbose("Opened the files of " + opened + " keys after the start in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // The files left are opened on first use, as before the pass.
            Log.warning("Background opening of the catalogue's files stopped: " + e);
        }
    }

    /** {@code key 'name' } of the key that maps this array (looked for: failures are rare), or "" if none. */
    private static String keyOf(Keyspace keyspace, MappedArray array) {
        for (int db = 0; db < keyspace.databaseCount(); db++) {
            Database database = keyspace.database(db);
            for (ByteKey key : database.keys()) {
                if (database.get(key) == array) {
                    return "key '" + key + "' ";
                }
            }
        }
        return "";
    }
}

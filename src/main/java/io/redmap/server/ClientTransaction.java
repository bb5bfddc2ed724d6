package io.redmap.server;

import io.redmap.keyspace.ByteKey;
import io.redmap.protocol.Request;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One connection's transaction state ({@link ClientSession#transaction}): the commands MULTI
 * queued, whether the transaction is already doomed, and the keys WATCHed for EXEC.
 */
public final class ClientTransaction {
    private volatile List<Request> multiQueue;
    /** Read by other connections' CLIENT LIST: kept apart from the queue that only this connection touches. */
    private volatile int multiCount = -1;
    private boolean multiFailed;
    private final Set<WatchedKey> watched = new HashSet<>();
    private volatile boolean watchedKeyTouched;

    /** A key watched by this client, in the database it was watched in. */
    public record WatchedKey(int db, ByteKey key) {
    }

    public boolean inMulti() {
        return multiQueue != null;
    }

    public void beginMulti() {
        multiQueue = new ArrayList<>();
        multiFailed = false;
        multiCount = 0;
    }

    /**
     * Queues a command for EXEC. As Redis, a transaction already doomed (a refused command, a
     * touched watched key) keeps nothing more: its EXEC will run none of it.
     */
    public void queue(Request request) {
        if (multiFailed || watchedKeyTouched) {
            return;
        }
        multiQueue.add(request);
        multiCount = multiQueue.size();
    }

    /** CLIENT LIST's {@code multi}: the commands queued (and, during EXEC, being run); -1 outside MULTI. */
    public int multiCount() {
        return multiCount;
    }

    /** A command could not be queued: EXEC will refuse the whole transaction. */
    public void failMulti() {
        multiFailed = true;
    }

    public boolean multiFailed() {
        return multiFailed;
    }

    /** What MULTI queued so far. */
    public List<Request> queued() {
        return multiQueue;
    }

    /** Ends MULTI (EXEC once its commands have run, DISCARD, RESET) and returns what was queued. */
    public List<Request> endMulti() {
        List<Request> queued = multiQueue;
        multiQueue = null;
        multiFailed = false;
        multiCount = -1;
        return queued;
    }

    public Set<WatchedKey> watched() {
        return watched;
    }

    public boolean watchedKeyTouched() {
        return watchedKeyTouched;
    }

    public void watchedKeyTouched(boolean touched) {
        this.watchedKeyTouched = touched;
    }
}

package io.redmap.server;

import io.redmap.keyspace.ByteKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Who WATCHes which key: a real change of a key marks its watchers, whose EXEC then fails. A
 * write that changed nothing (DEL of a missing key) marks no one, so that optimistic-locking
 * loops do not retry for nothing.
 */
public final class WatchRegistry {
    private final Map<ClientTransaction.WatchedKey, Set<ClientSession>> watchers = new HashMap<>();

    public void watch(ClientSession session, int db, ByteKey key) {
        ClientTransaction.WatchedKey watched = new ClientTransaction.WatchedKey(db, key);
        if (session.transaction().watched().add(watched)) {
            watchers.computeIfAbsent(watched, k -> new HashSet<>()).add(session);
        }
    }

    public void unwatchAll(ClientSession session) {
        for (ClientTransaction.WatchedKey watched : session.transaction().watched()) {
            Set<ClientSession> sessions = watchers.get(watched);
            if (sessions != null) {
                sessions.remove(session);
                if (sessions.isEmpty()) {
                    watchers.remove(watched);
                }
            }
        }
        session.transaction().watched().clear();
        session.transaction().watchedKeyTouched(false);
    }

    public void touch(int db, ByteKey key) {
        if (watchers.isEmpty()) {
            return;
        }
        Set<ClientSession> sessions = watchers.get(new ClientTransaction.WatchedKey(db, key));
        if (sessions != null) {
            for (ClientSession session : sessions) {
                session.transaction().watchedKeyTouched(true);
            }
        }
    }

    /**
     * FLUSHDB / FLUSHALL of one database (or of all, for -1): runs the flush, then touches the
     * watched keys that existed before it, the ones it removed. A flush that fails touches nothing.
     */
    public void touchFlushed(int db, BiPredicate<Integer, ByteKey> exists, Runnable flush) {
        List<ClientTransaction.WatchedKey> removed = new ArrayList<>();
        for (ClientTransaction.WatchedKey watched : watchers.keySet()) {
            if ((db < 0 || watched.db() == db) && exists.test(watched.db(), watched.key())) {
                removed.add(watched);
            }
        }
        flush.run();
        for (ClientTransaction.WatchedKey watched : removed) {
            touch(watched.db(), watched.key());
        }
    }

    /**
     * Touches the keys watched in database {@code db} that {@code changes} says a coming change
     * affects (SWAPDB: those that exist in either of the two databases, Redis's touchAllWatchedKeysInDb).
     */
    public void touchWatchedIn(int db, Predicate<ByteKey> changes) {
        List<ClientTransaction.WatchedKey> affected = new ArrayList<>();
        for (ClientTransaction.WatchedKey watched : watchers.keySet()) {
            if (watched.db() == db && changes.test(watched.key())) {
                affected.add(watched);
            }
        }
        for (ClientTransaction.WatchedKey watched : affected) {
            touch(watched.db(), watched.key());
        }
    }

    public boolean isEmpty() {
        return watchers.isEmpty();
    }
}

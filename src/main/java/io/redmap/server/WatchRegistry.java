package io.redmap.server;

import io.redmap.keyspace.ByteKey;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Who WATCHes which key: a write to a key marks its watchers, whose EXEC then fails. */
public final class WatchRegistry {
    private final Map<ClientSession.WatchedKey, Set<ClientSession>> watchers = new HashMap<>();

    public void watch(ClientSession session, int db, ByteKey key) {
        ClientSession.WatchedKey watched = new ClientSession.WatchedKey(db, key);
        if (session.watched().add(watched)) {
            watchers.computeIfAbsent(watched, k -> new HashSet<>()).add(session);
        }
    }

    public void unwatchAll(ClientSession session) {
        for (ClientSession.WatchedKey watched : session.watched()) {
            Set<ClientSession> sessions = watchers.get(watched);
            if (sessions != null) {
                sessions.remove(session);
                if (sessions.isEmpty()) {
                    watchers.remove(watched);
                }
            }
        }
        session.watched().clear();
        session.watchedKeyTouched(false);
    }

    public void touch(int db, ByteKey key) {
        if (watchers.isEmpty()) {
            return;
        }
        Set<ClientSession> sessions = watchers.get(new ClientSession.WatchedKey(db, key));
        if (sessions != null) {
            for (ClientSession session : sessions) {
                session.watchedKeyTouched(true);
            }
        }
    }

    /** FLUSHDB / FLUSHALL: every watched key of the database (or of all, for -1) is touched. */
    public void touchDatabase(int db) {
        for (Iterator<Map.Entry<ClientSession.WatchedKey, Set<ClientSession>>> it = watchers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ClientSession.WatchedKey, Set<ClientSession>> entry = it.next();
            if (db < 0 || entry.getKey().db() == db) {
                for (ClientSession session : entry.getValue()) {
                    session.watchedKeyTouched(true);
                }
            }
        }
    }

    public boolean isEmpty() {
        return watchers.isEmpty();
    }
}

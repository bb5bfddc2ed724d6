package io.redmap.server;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The connected clients, by id (CLIENT LIST, CLIENT KILL, maxclients, INFO clients). */
public final class ClientRegistry {
    private final ConcurrentHashMap<Long, ClientSession> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    public long nextId() {
        return nextId.getAndIncrement();
    }

    public void add(ClientSession session) {
        clients.put(session.id(), session);
    }

    public void remove(ClientSession session) {
        clients.remove(session.id());
    }

    public ClientSession get(long id) {
        return clients.get(id);
    }

    public Collection<ClientSession> all() {
        return clients.values();
    }

    public int size() {
        return clients.size();
    }
}

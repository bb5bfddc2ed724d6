package io.redmap.server;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Group commit of appends across connections: the replies that acknowledge appends, from every
 * connection an event loop serves in one turn, wait for a single write of all the appends, made
 * when the turn's reads are done. Fifty pipelining clients then cost one write of each file per
 * turn instead of one per client, and still no reply acknowledges an append before it is in the
 * file.
 */
final class AppendGroup {
    /** One group per event loop thread: a connection's handler only ever runs on its loop. */
    private static final ThreadLocal<AppendGroup> PER_LOOP = ThreadLocal.withInitial(AppendGroup::new);

    private record Waiter(ClientSession session, Consumer<Boolean> then) {
    }

    private final List<Waiter> waiting = new ArrayList<>();

    private AppendGroup() {
    }

    /**
     * Runs {@code then} on {@code loop} once this turn's appends were written, with whether all of
     * the session's deferred appends made it. Tasks run after the turn's reads, in the order they
     * were submitted, so the replies keep their order with anything a connection writes later.
     */
    static void await(ServerState server, EventExecutor loop, ClientSession session, Consumer<Boolean> then) {
        AppendGroup group = PER_LOOP.get();
        if (group.waiting.isEmpty()) {
            loop.execute(() -> group.release(server));
        }
        group.waiting.add(new Waiter(session, then));
    }

    private void release(ServerState server) {
        List<Waiter> released = List.copyOf(waiting);
        waiting.clear();
        boolean[] written = new boolean[released.size()];
        server.commandLock().lock();
        try {
            server.keyspace().store().flushPendingAppends();
            for (int i = 0; i < written.length; i++) {
                written[i] = released.get(i).session().deferredAppends().written();
            }
        } finally {
            server.commandLock().unlock();
        }
        for (int i = 0; i < written.length; i++) {
            released.get(i).then().accept(written[i]);
        }
    }
}

package io.redmap.server;

import io.redmap.BatchClock;
import io.redmap.store.SyncMode;

/**
 * The once-a-second work, as Redis's serverCron: close idle clients ({@code timeout}); sync dirty
 * arrays under {@code mmap-sync everysec}; give back the descriptors of idle files; save keyspace
 * changes no connection saved, or retry the save while the catalogue cannot be written.
 *
 * <p>Each task survives any failure of its own, errors included: a scheduled task that throws is
 * never run again, so one bad second (a mapped file truncated under a sync, an allocation that
 * fails) must not end the everysec sync, the idle-client timeout or the save retry for good.
 */
final class Housekeeping {
    /** A file no write has used for this long gives its descriptor back. */
    private static final long IDLE_DESCRIPTOR_NANOS = 10_000_000_000L;

    private final ServerState state;
    private boolean loadDescriptorsClosed;

    Housekeeping(ServerState state) {
        this.state = state;
    }

    void everySecond() {
        BatchClock.resync();
        run("timeout", this::closeIdleClients);
        run("instantaneous metrics", state.instantaneous()::sample);
        state.commandLock().lock();
        try {
            run("everysec sync", () -> {
                if (SyncMode.find(state.config().get("mmap-sync")) == SyncMode.EVERYSEC) {
                    state.keyspace().store().syncDirty(message -> Log.warning("background sync failed: " + message));
                }
            });
            // The first run closes the descriptors the catalogue's load opened (the mappings need
            // none; writes reopen them): 10,000 closes are not made before the first PING.
            long idle = loadDescriptorsClosed ? IDLE_DESCRIPTOR_NANOS : 0;
            loadDescriptorsClosed = true;
            run("idle descriptors", () -> state.keyspace().store().closeIdleDescriptors(idle));
            run("keyspace save", () -> state.keyspaceCommit().commitOrRetry());
            run("replication", () -> state.replication().everySecond());
        } finally {
            state.commandLock().unlock();
        }
    }

    /** {@code timeout}: clients idle for longer are disconnected, as Redis's clientsCron does. */
    private void closeIdleClients() {
        long timeoutSeconds = state.config().getLong("timeout");
        if (timeoutSeconds <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (ClientSession session : state.clients().all()) {
            // As in Redis, replication links are never idle clients (their own timeout is repl-timeout).
            boolean replicationLink = session.type() == ClientType.REPLICA || session.type() == ClientType.MASTER;
            if (!replicationLink && !session.transaction().inMulti() && now - session.lastInteractionMillis() > timeoutSeconds * 1000) {
                Log.verbose("Closing idle client " + session.address());
                session.kill();
            }
        }
    }

    /** Runs one task; whatever it throws is logged with the task's name, and the next second comes. */
    static void run(String task, Runnable body) {
        try {
            body.run();
        } catch (Throwable e) {
            try {
                Log.warning("Background task '" + task + "' failed (it runs again in a second): " + e
                        + (e instanceof VirtualMachineError ? " -- a JVM error: check the server's memory and threads" : ""));
            } catch (Throwable ignored) {
                // Not even the log line could be built (out of memory): the next second tries again.
            }
        }
    }
}

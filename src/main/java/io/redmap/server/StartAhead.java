package io.redmap.server;

import io.netty.channel.epoll.Epoll;
import io.redmap.command.CommandTable;
import io.redmap.store.ArrayStore;

import java.util.concurrent.CompletableFuture;

/**
 * What a start needs besides its configuration and keyspace, prepared on another core: Netty's
 * native transport (its library, and {@code PlatformDependent}, which links malloc and free
 * through FFM), the command table, then the native calls that only writes need. They took 0.4 s
 * of CPU, a quarter of an empty start, and do not depend on the configuration, so {@link Main}
 * begins them on its first line, while the JVM is still reading the configuration and the
 * catalogue (docs/operations.md, "Start-up").
 */
final class StartAhead {
    private static CompletableFuture<CommandTable> prepared;

    private StartAhead() {
    }

    /** Begins the preparation on a thread of its own; the next {@link #take} gets it. */
    static synchronized void begin() {
        if (prepared == null) {
            prepared = prepare();
        }
    }

    /** The command table of a start: the one {@link #begin} prepared, or a new preparation. */
    static synchronized CompletableFuture<CommandTable> take() {
        CompletableFuture<CommandTable> commands = prepared != null ? prepared : prepare();
        prepared = null; // an embedded server started again gets a table of its own
        return commands;
    }

    private static CompletableFuture<CommandTable> prepare() {
        // Two threads: the table does not wait for Netty's native library, and the main thread,
        // which waits for both once its configuration and catalogue are read, gets them sooner.
        CompletableFuture<CommandTable> commands = CompletableFuture.supplyAsync(CommandTable::standard,
                task -> Thread.ofPlatform().name("redmap-table").daemon().start(task));
        CompletableFuture<Void> transport = new CompletableFuture<>();
        Thread.ofPlatform().name("redmap-start").daemon().start(() -> {
            try {
                Epoll.isAvailable();
                transport.complete(null);
                ArrayStore.linkNativeCalls(); // for the first write, after the start
            } catch (Throwable t) {
                transport.completeExceptionally(t);
            }
        });
        return commands.thenCombine(transport, (table, ready) -> table);
    }
}

package io.redmap.server;

import io.netty.channel.epoll.Epoll;
import io.redmap.command.CommandTable;
import io.redmap.store.ArrayStore;

import java.util.concurrent.CountDownLatch;

/**
 * What a start needs besides its configuration and keyspace, prepared on other cores: Netty's
 * native transport (its library, and {@code PlatformDependent}, which links malloc and free
 * through FFM) on one thread, then the native calls that only writes need; the command table on
 * another. They took 0.4 s of CPU, a quarter of an empty start, and do not depend on the
 * configuration, so {@link Main} begins them on its first line, while the JVM is still reading the
 * configuration and the catalogue (docs/operations.md, "Start-up").
 *
 * <p>No lambdas and no CompletableFuture here: with the Vector API module the AOT cache holds no
 * linked lambdas, and the first one the JVM meets costs tens of milliseconds of set-up, which
 * would come before the main thread has started anything.
 */
final class StartAhead {
    private static StartAhead prepared;

    private final CountDownLatch transportReady = new CountDownLatch(1);
    private final Thread table;
    private volatile CommandTable commands;
    private volatile Throwable failure;

    private StartAhead() {
        Thread transport = Thread.ofPlatform().name("redmap-start").daemon().unstarted(new Runnable() {
            @Override
            public void run() {
                try {
                    Epoll.isAvailable();
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    transportReady.countDown();
                }
                ArrayStore.linkNativeCalls(); // for the first write, after the start
            }
        });
        table = Thread.ofPlatform().name("redmap-table").daemon().unstarted(new Runnable() {
            @Override
            public void run() {
                try {
                    commands = CommandTable.standard();
                } catch (Throwable t) {
                    failure = t;
                }
            }
        });
        transport.start();
        table.start();
    }

    /** Begins the preparation; the next {@link #take} gets it. */
    static synchronized void begin() {
        if (prepared == null) {
            prepared = new StartAhead();
        }
    }

    /** The preparation of a start: the one {@link #begin} made, or a new one. */
    static synchronized StartAhead take() {
        StartAhead preparation = prepared != null ? prepared : new StartAhead();
        prepared = null; // an embedded server started again gets a table of its own
        return preparation;
    }

    /** The command table, once it and Netty's transport are ready. */
    CommandTable commandTable() throws InterruptedException {
        table.join();
        transportReady.await();
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("the start's preparation failed: " + t, t);
        }
        return commands;
    }
}

package io.redmap.store;

import java.io.IOException;
import java.util.function.Consumer;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Applies {@code mmap-sync} to written files: syncs at once ({@link SyncMode#ALWAYS}) or
 * remembers which files are dirty for the once-a-second flush.
 */
public final class Durability {
    private static final long PAGE = 4096;
    /** The latency monitor's event for one file's sync that a command waits for (mmap-sync always, VSYNC). */
    public static final String SYNC_EVENT = "mmap-sync";
    /** The latency monitor's event for the sync of every dirty file (everysec, SAVE, shutdown). */
    public static final String FLUSH_EVENT = "mmap-flush";

    /** Told how long each sync took (LATENCY); the store itself keeps no statistics. */
    @FunctionalInterface
    public interface SyncTimer {
        void synced(String event, long nanos);
    }

    private volatile SyncTimer timer = (event, nanos) -> { };

    private volatile SyncMode mode;
    private final Set<MappedFile> dirty = new LinkedHashSet<>();
    /** Files that may hold deferred appends. */
    private final Set<MappedFile> pendingFiles = new LinkedHashSet<>();
    /**
     * Whether {@link #pendingFiles} is not empty, for a look without the command lock: a
     * connection with no appends of its own asks this before each send, and taking the lock for
     * it would make every lock-free read running meanwhile on another thread start again.
     */
    private volatile boolean anyPending;
    private final AppendJournal journal;
    /** Whether small appends may be deferred and coalesced (the server flushes them before replying). */
    private volatile boolean deferAppends;

    /** @param journal where multi-page appends are recorded under ALWAYS; null for none */
    public Durability(SyncMode mode, AppendJournal journal) {
        this.mode = mode;
        this.journal = journal;
    }

    public Durability(SyncMode mode) {
        this(mode, null);
    }

    /**
     * Appends under the sync policy. With ALWAYS, an append that spans pages is journaled first
     * (see {@link AppendJournal}) and synced before the reply: after kill -9 it is wholly there
     * or not at all.
     */
    /** @return true when the append was deferred (see {@link MappedFile#appendDeferred}) */
    boolean append(MappedFile file, MemorySegment data) throws NativeIOException {
        long before = file.length();
        boolean spansPages = (before % PAGE) + data.byteSize() > PAGE;
        boolean journaled = mode == SyncMode.ALWAYS && journal != null && spansPages;
        if (journaled) {
            try {
                journal.record(file, before, before + data.byteSize());
            } catch (IOException e) {
                throw new NativeIOException("journal", file.path(), 0, e.getMessage());
            }
        }
        try {
            if (journaled || mode == SyncMode.ALWAYS || !deferAppends) {
                file.append(data);
            } else {
                file.appendDeferred(data);
                pendingFiles.add(file);
                if (!anyPending) {
                    anyPending = true;
                }
                return true;
            }
        } catch (NativeIOException e) {
            // The append was rolled back (disk full...): its record must not outlive it, or a
            // later crash would cut the file back to a length it no longer had.
            if (journaled) {
                clearJournal(file, e);
            }
            throw e;
        }
        if (journaled) {
            // Once the append is durable its record must go: a later pop could otherwise leave the
            // file between the recorded lengths, and recovery would cut acknowledged data.
            timedSync(file);
            try {
                journal.clear();
            } catch (IOException e) {
                throw new NativeIOException("journal", file.path(), 0, e.getMessage());
            }
        }
        return false;
    }

    private void clearJournal(MappedFile file, NativeIOException failure) {
        try {
            journal.clear();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Lets appends be deferred and coalesced; whoever enables it must call
     * {@link #flushPendingAppends} before acknowledging them.
     */
    public void deferAppends(boolean defer) {
        this.deferAppends = defer;
    }

    public void timer(SyncTimer timer) {
        this.timer = timer;
    }

    /** One file's sync that a command waits for, timed. */
    private void timedSync(MappedFile file) throws NativeIOException {
        long start = System.nanoTime();
        try {
            file.sync();
        } finally {
            timer.synced(SYNC_EVENT, System.nanoTime() - start);
        }
    }

    public SyncMode mode() {
        return mode;
    }

    public void mode(SyncMode mode) {
        this.mode = mode;
    }

    void written(MappedFile file) throws NativeIOException {
        file.changed();
        if (mode == SyncMode.ALWAYS) {
            timedSync(file);
        } else {
            dirty.add(file);
        }
    }

    /** Syncs every dirty file (the everysec flush, SAVE and shutdown); failures are reported, not thrown. */
    public int syncDirty(Consumer<String> onFailure) {
        if (dirty.isEmpty()) {
            return 0;
        }
        long start = System.nanoTime();
        int synced = 0;
        for (MappedFile file : dirty) {
            try {
                file.sync();
                synced++;
            } catch (NativeIOException | IllegalStateException e) {
                onFailure.accept(e.getMessage());
            }
        }
        dirty.clear();
        timer.synced(FLUSH_EVENT, System.nanoTime() - start);
        return synced;
    }

    /** Whether appends wait to be written: replies, whoever they are for, wait with them. */
    public boolean hasPendingAppends() {
        return !pendingFiles.isEmpty();
    }

    /**
     * {@link #hasPendingAppends} without the command lock: false means that every append made
     * before this call was written (or refused) already; true may be stale, to be asked again
     * under the lock.
     */
    public boolean mayHavePendingAppends() {
        return anyPending;
    }

    /**
     * Writes every file's pending appends (before a connection sends its replies).
     *
     * @return false when one failed: the appends it held were dropped, so replies that
     *     acknowledge appends must not be sent
     */
    public boolean flushPendingAppends() {
        boolean ok = true;
        for (MappedFile file : pendingFiles) {
            try {
                file.flushPending();
            } catch (NativeIOException | RuntimeException e) {
                ok = false;
            }
        }
        pendingFiles.clear();
        anyPending = false;
        return ok;
    }

    /** VSYNC: syncs one file now, which is then no longer dirty. */
    void synced(MappedFile file) throws NativeIOException {
        timedSync(file);
        dirty.remove(file);
    }

    /** A file is about to be unmapped: what was written to it reaches the disk first. */
    void closing(MappedFile file) {
        pendingFiles.remove(file);
        anyPending = !pendingFiles.isEmpty();
        if (dirty.remove(file)) {
            try {
                file.sync();
            } catch (NativeIOException e) {
                // The data stays in the page cache, which the kernel writes back on its own.
            }
        }
    }

    public int dirtyCount() {
        return dirty.size();
    }
}

package io.redmap.store;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The store as its users see it: maps arrays for keys, shares files between them, applies the
 * sync policy. A library on its own: nothing here knows about the network.
 */
public final class ArrayStore implements AutoCloseable {
    private final FileRegistry registry;
    private final Durability durability;

    static final String JOURNAL_NAME = "redmap.appendlog";

    private final AppendJournal journal;

    /**
     * Opens the store; the append journal lives in the policy's {@code dir}. Call
     * {@link #recoverTornAppends} before mapping anything.
     */
    public ArrayStore(PathPolicy policy, int createMode, SyncMode syncMode) {
        this.registry = new FileRegistry(policy, createMode);
        this.journal = new AppendJournal(policy.dir().resolve(JOURNAL_NAME));
        this.durability = new Durability(syncMode, journal);
    }

    /**
     * Links the native calls of writes, syncs and unmaps ahead of their first use (linking all of
     * LibC's calls took a start 0.25 s of CPU): a start calls this on another thread, so that no
     * first VADD waits for it.
     */
    public static void linkNativeCalls() {
        LibC.linkTheRest();
    }

    /** Where multi-page appends are journaled (for messages). */
    public Path journalFile() {
        return journal.file();
    }

    /** Cuts back a file left with a torn append by a crash; returns what it did, for the log. */
    public java.util.List<String> recoverTornAppends() throws java.io.IOException {
        return journal.recover();
    }

    /**
     * Opens and maps the existing files of many arrays ahead, on the machine's cores (up to four),
     * for {@link #open} to take: a start's catalogue. {@link #discardPreopened} afterwards.
     */
    public void preopen(List<ArraySpec> specs) {
        // Only many files are worth the helpers: a small catalogue is opened on the caller alone.
        registry.preopen(specs, specs.size() >= 256);
    }

    public void discardPreopened() {
        registry.discardPreopened();
    }

    /**
     * Maps an array.
     *
     * @param create whether a missing file may be created
     * @throws io.redmap.RedmapException when the path is refused or the file cannot be mapped
     */
    public MappedArray open(ArraySpec spec, boolean create) {
        boolean npy = NpyHeader.isNpyPath(spec.path());
        if (npy) {
            NpyFiles.checkBeforeOpen(spec, registry.policy().resolve(spec.path()));
        }
        MappedFile file = registry.acquire(spec.path(), spec.writable(), create);
        boolean success = false;
        try {
            MappedArray array = npy
                    ? NpyFiles.open(file, spec, durability)
                    : new MappedArray(file, spec.path(), spec.type().codec(spec.valueSize()), spec.shape(), 0,
                    spec.writable(), durability);
            success = true;
            return array;
        } finally {
            if (!success) {
                registry.release(file, durability);
            }
        }
    }

    /** The key no longer maps this array: sync what it wrote, and unmap when no key is left on the file. */
    public void close(MappedArray array) {
        if (array.isNpy()) {
            array.file().npyGuard().remove();
        }
        registry.release(array.file(), durability);
    }

    public FileRegistry files() {
        return registry;
    }

    public Durability durability() {
        return durability;
    }

    /** Closes the descriptors of files no write has used for {@code idleNanos}: mappings need none. */
    public void closeIdleDescriptors(long idleNanos) {
        for (MappedFile file : registry.openFiles()) {
            file.closeIdleDescriptor(idleNanos);
        }
    }

    /** Whether appends wait to be coalesced into one write. */
    public boolean hasPendingAppends() {
        return durability.hasPendingAppends();
    }

    /** {@link #hasPendingAppends} without the command lock: false is sure, true may be stale. */
    public boolean mayHavePendingAppends() {
        return durability.mayHavePendingAppends();
    }

    /** Writes the appends that are waiting to be coalesced; false if any failed (see {@link MappedFile#flushPending}). */
    public boolean flushPendingAppends() {
        return durability.flushPendingAppends();
    }

    /** Syncs every file written since the last sync. */
    public int syncDirty(Consumer<String> onFailure) {
        return durability.syncDirty(onFailure);
    }

    @Override
    public void close() {
        durability.syncDirty(message -> { });
        registry.close();
        journal.close();
    }
}

package io.redmap.store;

import io.redmap.RedmapException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
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
     * Arrays whose file is not opened yet ({@link #openLater}), in the catalogue's order; changed
     * under the command lock only.
     */
    private final Set<MappedArray> deferred = new LinkedHashSet<>();
    /** Told of each deferred open that failed, with why (the server logs it). */
    private BiConsumer<MappedArray, String> deferredFailure = (array, why) -> { };

    /**
     * Opens the store; the append journal lives in the policy's {@code dir}. Call
     * {@link #recoverTornAppends} before mapping anything.
     */
    public ArrayStore(PathPolicy policy, int createMode, SyncMode syncMode) {
        this.registry = new FileRegistry(policy, createMode);
        this.journal = new AppendJournal(policy.dir().resolve(JOURNAL_NAME));
        this.durability = new Durability(syncMode, journal);
        registry.deferredOpens(this::openAllDeferred);
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

    /**
     * {@link #preopen} on the caller's thread alone, without the command lock (the background pass
     * over deferred arrays: {@link io.redmap.SplitWork}'s helpers are for lock holders).
     */
    public void preopenWithoutLock(List<ArraySpec> specs) {
        registry.preopen(specs, false);
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

    /**
     * An array whose file is opened on first use ({@link MappedArray#file}) or by
     * {@link #openDeferred(List)}, whichever comes first: a start's catalogue, whose 10,000 opens
     * and maps would otherwise come before the first reply. Only one stat is made now
     * ({@link FileRegistry#looksOpenable}).
     *
     * @return null when the file does not look openable, or the spec leaves its type or shape to
     *     a .npy header: the caller then opens it with {@link #open}, which says what is wrong
     */
    public MappedArray openLater(ArraySpec spec) {
        if (spec.type() == null || spec.shape() == null || !registry.looksOpenable(spec)) {
            return null;
        }
        MappedArray array = new MappedArray(this, spec, durability);
        deferred.add(array);
        return array;
    }

    /** How many arrays wait for their file to be opened. */
    public int deferredCount() {
        return deferred.size();
    }

    /** The next {@code max} deferred arrays, whose specs {@link #preopenWithoutLock} opens ahead. */
    public List<MappedArray> nextDeferred(int max) {
        List<MappedArray> batch = new ArrayList<>(Math.min(max, deferred.size()));
        for (MappedArray array : deferred) {
            if (batch.size() == max) {
                break;
            }
            batch.add(array);
        }
        return batch;
    }

    /**
     * Opens the files of these deferred arrays, those not opened meanwhile (the background pass
     * after a start, under the command lock; what {@link #preopen} opened ahead is taken, the rest
     * discarded). The descriptors are closed at once, as the first housekeeping closes a load's:
     * the mappings need none, writes reopen them.
     *
     * @return how many it opened (or failed to)
     */
    public int openDeferred(List<MappedArray> batch) {
        int count = 0;
        try {
            for (MappedArray array : batch) {
                if (openDeferred(array)) {
                    count++;
                    if (array.isOpen()) {
                        array.file().closeIdleDescriptor(0);
                    }
                }
            }
        } finally {
            discardPreopened();
        }
        return count;
    }

    /**
     * Opens every deferred array now, on the machine's cores, under the command lock: before a
     * listing of all open files, or anything that is about to use every key's file (a full sync).
     */
    public void openAllDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        List<MappedArray> all = nextDeferred(deferred.size());
        preopen(all.stream().map(MappedArray::spec).toList());
        openDeferred(all);
    }

    /**
     * Opens one deferred array's file (its first use). A file that cannot be opened now (deleted,
     * replaced by one that no longer fits the key...) leaves the key as one whose file was deleted
     * while mapped: every use fails with "file changed on disk" until it is deleted or mapped again.
     */
    boolean openDeferred(MappedArray array) {
        if (!deferred.remove(array)) {
            return false;
        }
        try {
            array.opened(open(array.spec(), false));
        } catch (RuntimeException e) {
            // A RedmapException words what is wrong; anything else is reported as it is.
            array.openFailed();
            deferredFailure.accept(array, e instanceof RedmapException ? e.getMessage() : e.toString());
        }
        return true;
    }

    /** Who is told of a deferred open that failed (under the command lock), and why. */
    public void onDeferredFailure(BiConsumer<MappedArray, String> listener) {
        this.deferredFailure = listener;
    }

    /** The key no longer maps this array: sync what it wrote, and unmap when no key is left on the file. */
    public void close(MappedArray array) {
        if (!array.isOpen()) {
            deferred.remove(array);
            array.closedUnopened();
            return;
        }
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
        for (MappedFile file : registry.mappedFiles()) {
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
        // The background pass, if still running, finds none left; a late use fails as after a DEL.
        deferred.forEach(MappedArray::closedUnopened);
        deferred.clear();
        durability.syncDirty(message -> { });
        registry.close();
        journal.close();
    }
}

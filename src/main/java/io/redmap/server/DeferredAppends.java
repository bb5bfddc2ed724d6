package io.redmap.server;

import io.redmap.store.MappedFile;

import java.util.HashMap;
import java.util.Map;

/**
 * A connection's appends of the current batch that were deferred (coalesced with other
 * connections' appends to the same files): each file with its dropped-appends count at the time,
 * so that the batch's acknowledgements wait for the write and fail if an append was dropped.
 * Used by the connection's own event loop only.
 */
public final class DeferredAppends {
    /**
     * The first file of the batch, kept apart: a batch of pipelined VADDs appends to one file, and
     * a map lookup (and a boxed count) per append was 2-4% of a pipelined VADD's CPU time.
     */
    private MappedFile first;
    private long firstDropped;
    /** The batch's other files, with their dropped-appends counts; null until there is a second file. */
    private Map<MappedFile, Long> others;

    /** Notes an append that was deferred, so that its acknowledgement waits for it to be written. */
    public void note(MappedFile file) {
        if (file == first) {
            return;
        }
        if (first == null) {
            first = file;
            firstDropped = file.droppedAppends();
            return;
        }
        if (others == null) {
            others = new HashMap<>();
        }
        others.computeIfAbsent(file, MappedFile::droppedAppends);
    }

    public boolean any() {
        return first != null;
    }

    /**
     * After the pending appends were written: whether all of this batch's deferred appends made
     * it, and forgets them.
     */
    public boolean written() {
        boolean ok = first == null || first.droppedAppends() == firstDropped;
        if (others != null) {
            for (var entry : others.entrySet()) {
                ok &= entry.getKey().droppedAppends() == entry.getValue();
            }
            others.clear();
        }
        first = null;
        return ok;
    }
}

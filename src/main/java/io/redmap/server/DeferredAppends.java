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
    private final Map<MappedFile, Long> files = new HashMap<>();

    /** Notes an append that was deferred, so that its acknowledgement waits for it to be written. */
    public void note(MappedFile file) {
        files.putIfAbsent(file, file.droppedAppends());
    }

    public boolean any() {
        return !files.isEmpty();
    }

    /**
     * After the pending appends were written: whether all of this batch's deferred appends made
     * it, and forgets them.
     */
    public boolean written() {
        boolean ok = true;
        for (var entry : files.entrySet()) {
            ok &= entry.getKey().droppedAppends() == entry.getValue();
        }
        files.clear();
        return ok;
    }
}

package io.redmap.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The native buffers where deferred appends wait for their pwrite (see
 * {@link MappedFile#appendDeferred}). A file holds one only while it has pending appends, so a
 * few buffers serve any number of files: ten thousand keys do not mean ten thousand buffers.
 */
final class PendingBuffers {
    static final long CAPACITY = 256 * 1024;
    private static final int KEPT = 8;

    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();

    synchronized MemorySegment take() {
        MemorySegment buffer = free.poll();
        return buffer != null ? buffer : Arena.ofAuto().allocate(CAPACITY, 16);
    }

    synchronized void give(MemorySegment buffer) {
        if (free.size() < KEPT) {
            free.push(buffer);
        }
    }
}

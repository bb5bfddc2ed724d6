package io.redmap.command;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native scratch memory where a write command parses its values before any of them reaches the
 * file: if one value is bad, nothing was written. Native, so that appends can hand it straight
 * to {@code pwrite}. One buffer per thread, reused; only unusually large requests allocate.
 */
final class Staging {
    private static final long KEPT_BYTES = 1 << 20;
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(KEPT_BYTES, 16));

    private Staging() {
    }

    /** A native segment of exactly {@code bytes} bytes, valid until the next call on this thread. */
    static MemorySegment of(long bytes) {
        MemorySegment buffer = BUFFER.get();
        if (bytes <= buffer.byteSize()) {
            return buffer.asSlice(0, bytes);
        }
        // Freed by the GC once the request is done with it.
        return Arena.ofAuto().allocate(bytes, 16);
    }
}

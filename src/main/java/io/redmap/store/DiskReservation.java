package io.redmap.store;

/**
 * Disk blocks reserved past a file's end ({@code fallocate} with {@code KEEP_SIZE}: the size
 * does not change), so that appends deferred to be written together cannot fail later for want
 * of space: a full disk is reported to the VADD that meets it.
 *
 * <p>Kept small: the room reserved beyond what appends need is at most 1/8 of the file and at
 * most {@link #MAX_AHEAD}, so a tiny file reserves almost nothing, and growth stays amortised
 * O(1) because the room grows with the file. The file system keeps such blocks after close:
 * {@link #release} gives them back when the file is unmapped (its last key let go, or the
 * server stops).
 */
final class DiskReservation {
    static final long MAX_AHEAD = 1L << 20;

    /** Blocks are reserved up to here; -1 where the file system cannot reserve. */
    private long reservedUntil;

    /** The room reserved beyond an append that makes the file {@code end} bytes long. */
    static long ahead(long end) {
        return Math.min(end / 8, MAX_AHEAD);
    }

    /**
     * Makes sure disk blocks exist up to {@code end}, the file being {@code length} bytes on disk,
     * reserving a little ahead.
     *
     * @return false when this file system cannot reserve (write at once instead)
     * @throws NativeIOException when the disk is full
     */
    boolean ensure(int fd, String path, long length, long end) throws NativeIOException {
        if (reservedUntil < 0) {
            return false;
        }
        if (end <= reservedUntil) {
            return true;
        }
        long ahead = ahead(end);
        try {
            LibC.reserve(fd, length, end - length + ahead, path);
            reservedUntil = end + ahead;
        } catch (NativeIOException e) {
            if (e.errno() == LibC.EOPNOTSUPP) {
                reservedUntil = -1;
                return false;
            }
            if (ahead == 0) {
                throw e;
            }
            // Perhaps only the room ahead does not fit: reserve exactly what is needed.
            LibC.reserve(fd, length, end - length, path);
            reservedUntil = end;
        }
        return true;
    }

    /** Whether blocks may be reserved past {@code length}. */
    boolean isHeldPast(long length) {
        return reservedUntil > length;
    }

    /** The file was cut to {@code length}: the blocks past it went with the truncation. */
    void truncated(long length) {
        reservedUntil = Math.min(reservedUntil, length);
    }

    /**
     * Frees the blocks past the end of the file, whose size on disk is {@code size} now (another
     * program may have written past this server's length: its data is kept). A truncation to the
     * file's own size frees them (ext4 and tmpfs, measured); a punched hole would not (ext4
     * punches nothing past the end of a file).
     */
    void release(int fd, String path, long size) throws NativeIOException {
        if (reservedUntil <= size) {
            return; // grown over the reservation by another program: nothing lies past the end
        }
        LibC.ftruncate(fd, size, path);
        reservedUntil = size;
    }
}

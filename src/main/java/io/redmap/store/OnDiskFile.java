package io.redmap.store;

import io.redmap.BatchClock;

/**
 * The file behind a {@link MappedFile} as the file system sees it: its identity, its descriptor
 * (reopened on demand, closed when idle) and whether its path still names it. The mapping's reads
 * and writes stay in {@link MappedFile}; this class only decides which descriptor they go through.
 *
 * <p>Not thread-safe, like its owner: the command lock serialises every call, except the fields
 * that {@link MappedFile#readableWithoutLock} reads and then validates.
 */
final class OnDiskFile {
    /**
     * Another program may truncate, delete or replace a mapped file. Checking costs a system call
     * (a stat), so commands check at most once per this interval, a millisecond: at 100
     * microseconds, 50 clients sending one request at a time (about 40,000 a second) still cost a
     * stat per request, as many system calls as the reads and writes of their requests; at a
     * millisecond a hot file costs at most a thousand a second. VCOUNT and MEMORY USAGE always check.
     */
    static final long CHECK_INTERVAL_NANOS = 1_000_000;

    private final MappedFile.FileId id;
    private final String path;
    /**
     * The open descriptor, or -1: a mapping outlives its descriptor, so reads never need one.
     * Writes open it on demand and {@link #closeIfIdle} closes it again, so that ten
     * thousand idle keys hold no descriptors.
     */
    private int fd;
    private long lastDescriptorUseNanos;
    private boolean writable;
    /** Set once the path no longer names this file (deleted or replaced): the key must be mapped again. */
    private boolean gone;
    private long lastCheckNanos;

    /** Takes ownership of {@code fd}, whose {@code fstat} gave {@code id}. */
    OnDiskFile(MappedFile.FileId id, String path, int fd, boolean writable) {
        this.id = id;
        this.path = path;
        this.fd = fd;
        this.writable = writable;
    }

    MappedFile.FileId id() {
        return id;
    }

    String path() {
        return path;
    }

    boolean isWritable() {
        return writable;
    }

    boolean isGone() {
        return gone;
    }

    /** From now on the key must be mapped again (the file could not be checked or written). */
    void markGone() {
        gone = true;
    }

    /** The descriptor was just used; judged by the precise clock rather than the batch's. */
    void usedNow() {
        lastDescriptorUseNanos = System.nanoTime();
    }

    /** Whether a check on disk ran less than {@link #CHECK_INTERVAL_NANOS} ago (read without the lock too). */
    boolean checkedRecently() {
        return BatchClock.nanos() - lastCheckNanos < CHECK_INTERVAL_NANOS;
    }

    /**
     * Whether a check on disk is due now ({@code force}, or none ran for {@link #CHECK_INTERVAL_NANOS});
     * if so, it counts as made now.
     */
    boolean checkDue(boolean force) {
        long now = BatchClock.nanos();
        if (!force && now - lastCheckNanos < CHECK_INTERVAL_NANOS) {
            return false;
        }
        lastCheckNanos = now;
        return true;
    }

    /**
     * One {@code stat} of the path: its size when the path still names this file; otherwise
     * (deleted, replaced, or the stat failed) the file is gone from now on and the answer is -1.
     */
    long sizeAtPath() {
        try {
            LibC.Stat atPath = LibC.stat(path);
            if (atPath != null && atPath.device() == id.device() && atPath.inode() == id.inode()) {
                return atPath.size();
            }
        } catch (NativeIOException e) {
            // Unreadable counts as gone, below.
        }
        gone = true;
        return -1;
    }

    /**
     * The descriptor, reopened when it was closed for idleness. The reopened file must be the one
     * mapped (same device and inode): otherwise the file was replaced, and this one is gone.
     */
    int fd() throws NativeIOException {
        // The batch's clock, not a reading of our own: each append asks for the descriptor, and on
        // kvm-clock a reading was 4% of a VADD load's CPU. Idleness is judged in seconds (and the
        // housekeeping that judges it ticks the batch clock every second).
        lastDescriptorUseNanos = BatchClock.nanos();
        if (fd >= 0) {
            return fd;
        }
        if (gone) {
            throw new NativeIOException("open", path, LibC.ENOENT, "the file was deleted or replaced");
        }
        int flags = (writable ? LibC.O_RDWR : LibC.O_RDONLY) | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | LibC.O_NONBLOCK;
        int reopened = LibC.open(path, flags, 0);
        LibC.Stat stat;
        try {
            stat = LibC.fstat(reopened, path);
        } catch (NativeIOException e) {
            LibC.close(reopened);
            throw e;
        }
        if (stat.device() != id.device() || stat.inode() != id.inode()) {
            LibC.close(reopened);
            gone = true;
            throw new NativeIOException("open", path, LibC.ENOENT, "the file was deleted or replaced");
        }
        fd = reopened;
        return fd;
    }

    /**
     * Swaps a read-only descriptor for {@code readWriteFd}, taking ownership of it.
     *
     * @return false (and {@code readWriteFd} closed) when the file was writable already
     */
    boolean upgradeToWritable(int readWriteFd) {
        if (writable) {
            LibC.close(readWriteFd);
            return false;
        }
        if (fd >= 0) {
            LibC.close(fd);
        }
        fd = readWriteFd;
        usedNow();
        writable = true;
        return true;
    }

    /** Closes the descriptor if no write used it for {@code idleNanos}; the mapping stays. */
    void closeIfIdle(long idleNanos) {
        if (fd >= 0 && System.nanoTime() - lastDescriptorUseNanos >= idleNanos) {
            closeDescriptor();
        }
    }

    void closeDescriptor() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}

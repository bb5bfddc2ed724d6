package io.redmap.store;

import io.redmap.RedmapException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One open, memory-mapped file, shared by every key that maps it.
 *
 * <p>The mapping reserves more address space than the file holds ({@link #capacity}), so that
 * appends only extend the file: no remapping, no copy, amortised O(1). The file itself is always
 * exactly as long as its data ({@link #length}): readers such as numpy see no padding, and a crash
 * leaves no zeros behind. Bytes between the end of the file and the end of the reservation are
 * never touched (the kernel would raise SIGBUS).
 *
 * <p>The mapping belongs to a shared {@link Arena}: {@link #close} unmaps at once, and a segment
 * used after that throws instead of reading freed memory.
 *
 * <p>Not thread-safe: the server serialises commands; other users must too. The one exception is
 * the server's lock-free array reads, which check {@link #readableWithoutLock} and validate.
 */
public final class MappedFile implements AutoCloseable {
    /** Writable mappings reserve at least this much address space, so that small arrays never remap. */
    static final long MIN_WRITABLE_RESERVATION = 16L << 20;
    private static final long PAGE = 4096;

    /** The descriptor and the path: opened on demand, closed when idle, checked against the disk. */
    private final OnDiskFile disk;
    private final String path;
    private long length;
    /** The mapping's owner; null once closed (no arena = closed). */
    private Arena arena;
    private MemorySegment mapping;
    /**
     * Appends accepted but not yet written: a pipeline of small VADDs becomes one pwrite. They
     * are written before anything reads the mapping ({@link #segment}), changes or syncs the
     * file, and at the latest before the connection that made them sends its replies
     * ({@link #flushPending}); so no one ever sees them missing, and no reply acknowledges an
     * append that is not in the file.
     */
    private MemorySegment pendingBuffer;
    private long pendingBytes;
    /**
     * Changes made to the file through this server, counted under the command lock: a reader
     * without the lock (MIGRATE's first pass) learns whether anything was written while it read.
     */
    private volatile long changes;
    private static final long PENDING_CAPACITY = PendingBuffers.CAPACITY;
    private final PendingBuffers buffers;
    /** How many times pending appends were dropped because writing them failed. */
    private long droppedAppends;
    /** The .npy header that keys mapping this file as .npy read, protected from every key's writes. */
    private final NpyGuard npyGuard = new NpyGuard();
    /** Disk blocks reserved past the end for deferred appends; given back by {@link #close}. */
    private final DiskReservation reservation = new DiskReservation();

    /** How the file on disk differs from what this mapping believes. */
    public enum Change {
        /** As we left it, or grown by another writer (followed silently). */
        NONE,
        /** Truncated by someone else: the length now follows the file. */
        SHRANK,
        /** Deleted, or replaced by another file at the same path. */
        GONE
    }

    private MappedFile(FileId id, String path, int fd, boolean writable, long length, PendingBuffers buffers) {
        this.buffers = buffers;
        this.disk = new OnDiskFile(id, path, fd, writable);
        this.path = path;
        this.length = length;
    }

    /**
     * Maps an open descriptor; takes ownership of {@code fd} (closed on failure too).
     */
    static MappedFile map(int fd, String path, boolean writable) throws NativeIOException {
        return map(fd, path, writable, new PendingBuffers());
    }

    static MappedFile map(int fd, String path, boolean writable, PendingBuffers buffers) throws NativeIOException {
        LibC.Stat stat;
        try {
            stat = LibC.fstat(fd, path);
        } catch (NativeIOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return map(fd, path, writable, buffers, stat);
    }

    /** As above, with the descriptor's {@code fstat} already made (the registry makes one to know the file). */
    static MappedFile map(int fd, String path, boolean writable, PendingBuffers buffers, LibC.Stat stat)
            throws NativeIOException {
        boolean success = false;
        try {
            MappedFile file = new MappedFile(new FileId(stat.device(), stat.inode()), path, fd, writable, stat.size(), buffers);
            file.remap(file.reservationFor(stat.size()));
            file.disk.usedNow();
            success = true;
            return file;
        } finally {
            if (!success) {
                LibC.close(fd);
            }
        }
    }

    public FileId id() {
        return disk.id();
    }

    /** The absolute path the file was opened at. */
    public String path() {
        return path;
    }

    public boolean isWritable() {
        return disk.isWritable();
    }

    /** How many changes this server has made to the file (see {@link #changes}); only grows. */
    public long changes() {
        return changes;
    }

    /** A command changed the file (under the command lock: one writer at a time). */
    void changed() {
        changes++;
    }

    /** The file's size in bytes, as this server last wrote or observed it, pending appends included. */
    public long length() {
        return length + pendingBytes;
    }

    /** Where the mapping starts, for {@link Residency} (which only asks the kernel about its pages); 0 once closed. */
    long mappedAddress() {
        return arena == null ? 0 : mapping.address();
    }

    /** The reserved address space; always at least {@link #length}. */
    public long capacity() {
        return mapping.byteSize();
    }

    /** The mapping, after pending appends are written; bytes at and past {@link #length} must not be touched. */
    public MemorySegment segment() {
        if (pendingBytes > 0) {
            try {
                flushPending();
            } catch (NativeIOException e) {
                throw RedmapException.err("append failed: " + e.getMessage());
            }
        }
        return mapping;
    }

    /**
     * Accepts an append that may be written later, together with the next ones (see
     * {@link #pendingBuffer}); a large one, or one that does not fit, is written at once.
     */
    public void appendDeferred(MemorySegment data) throws NativeIOException {
        requireWritable();
        if (pendingBytes + data.byteSize() > PENDING_CAPACITY) {
            flushPending();
        }
        if (data.byteSize() > PENDING_CAPACITY / 4 || !reserve(length + pendingBytes + data.byteSize())) {
            append(data);
            return;
        }
        if (pendingBuffer == null) {
            pendingBuffer = buffers.take();
        }
        MemorySegment.copy(data, 0, pendingBuffer, pendingBytes, data.byteSize());
        pendingBytes += data.byteSize();
    }

    private boolean reserve(long end) throws NativeIOException {
        return reservation.ensure(disk.fd(), path, length, end);
    }

    /**
     * Writes the pending appends with one pwrite. On failure (disk full) they are dropped, the
     * file keeps its length, and the error is thrown: the connections that made them must not
     * acknowledge them.
     */
    public void flushPending() throws NativeIOException {
        if (pendingBytes == 0) {
            return;
        }
        MemorySegment buffer = pendingBuffer;
        MemorySegment data = buffer.asSlice(0, pendingBytes);
        pendingBytes = 0;
        pendingBuffer = null;
        try {
            append(data);
        } catch (NativeIOException | RuntimeException e) {
            droppedAppends++;
            throw e;
        } finally {
            buffers.give(buffer);
        }
    }

    /** A count that grows each time pending appends are dropped: compare before and after. */
    public long droppedAppends() {
        return droppedAppends;
    }

    /**
     * Writes {@code data} (a native segment) at the end of the file, which grows by its size.
     * The bytes go through {@code pwrite}, so the file never shows a length without its data.
     */
    public void append(MemorySegment data) throws NativeIOException {
        requireWritable();
        flushPending();
        long newLength = length + data.byteSize();
        if (newLength > capacity()) {
            remap(reservationFor(newLength));
        }
        try {
            LibC.pwriteFully(disk.fd(), data, length, path);
        } catch (NativeIOException e) {
            // A short write (disk full) may have extended the file: put the length back.
            try {
                LibC.ftruncate(disk.fd(), length, path);
            } catch (NativeIOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        length = newLength;
    }

    /** Cuts the file to {@code newLength} bytes (pops and clears). */
    public void truncate(long newLength) throws NativeIOException {
        requireWritable();
        flushPending();
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " of a " + length + "-byte file");
        }
        npyGuard.requireKept(newLength, path);
        LibC.ftruncate(disk.fd(), newLength, path);
        length = newLength;
        reservation.truncated(newLength);
    }

    NpyGuard npyGuard() {
        return npyGuard;
    }

    /**
     * Rewrites a .npy header's shape, in place, to the whole rows the file now holds (after an
     * append or a pop through any key). The data is written first, so a crash in between leaves
     * a header that claims too few rows, never too many; the next change (or MMAP) sets it right.
     */
    void npyShapeChanged() {
        byte[] header = disk.isWritable() ? npyGuard.headerFor(length()) : null;
        if (header != null && length() >= header.length) {
            MemorySegment.copy(MemorySegment.ofArray(header), 0, segment(), 0, header.length);
        }
    }

    /** Makes everything written so far durable: data and length (fdatasync also writes mmap'ed pages). */
    public void sync() throws NativeIOException {
        flushPending();
        if (disk.isWritable()) {
            LibC.fsync(disk.fd(), path, true);
        }
    }

    /**
     * Asks the file system for the file's real size, which may differ when another program
     * changed it, and follows it.
     *
     * @return the size on disk
     */
    public long refreshLength() throws NativeIOException {
        flushPending();
        follow(LibC.fstat(disk.fd(), path).size());
        return length;
    }

    /** Takes the size another program gave the file, remapping if it outgrew the reservation. */
    private void follow(long size) throws NativeIOException {
        if (size > capacity()) {
            remap(reservationFor(size));
        }
        length = size;
    }

    /**
     * Compares the file with what is on disk now, with one {@code stat} of its path: whether the
     * path still names it, and its size. With {@code force} false, skips the check when one ran less than
     * {@link OnDiskFile#CHECK_INTERVAL_NANOS} ago.
     */
    public Change checkOnDisk(boolean force) {
        if (disk.isGone()) {
            return Change.GONE;
        }
        if (!disk.checkDue(force)) {
            return Change.NONE;
        }
        try {
            flushPending();
            long size = disk.sizeAtPath();
            if (size < 0) {
                return Change.GONE;
            }
            long before = length;
            follow(size);
            return length < before ? Change.SHRANK : Change.NONE;
        } catch (NativeIOException e) {
            disk.markGone();
            return Change.GONE;
        }
    }

    /**
     * Whether a reader that does not hold the command lock may read the mapping as it stands:
     * mapped, not gone, no appends pending ({@link #segment} would write them) and no check on
     * disk due ({@link #checkOnDisk} would stat the file and might remap it). It writes nothing;
     * it reads fields that a lock holder may be changing, so the caller validates what it read
     * against the command lock's sequence number.
     */
    public boolean readableWithoutLock() {
        return arena != null && !disk.isGone() && pendingBytes == 0 && disk.checkedRecently();
    }

    /** Whether the mapping can no longer be read: unmapped (its last key let go) or gone from disk. */
    public boolean isClosedOrGone() {
        return arena == null || disk.isGone();
    }

    /** Reopens read-write and remaps, when a read-only file is now mapped writable by a key. */
    void upgradeToWritable(int readWriteFd) throws NativeIOException {
        if (disk.upgradeToWritable(readWriteFd)) {
            remap(reservationFor(length));
        }
    }

    /** Closes the descriptor if no write used it for {@code idleNanos}; the mapping stays. */
    public void closeIdleDescriptor(long idleNanos) {
        disk.closeIfIdle(idleNanos);
    }

    private long reservationFor(long bytes) {
        long wanted = disk.isWritable() ? Math.max(MIN_WRITABLE_RESERVATION, bytes + bytes / 2) : Math.max(bytes, 1);
        return (wanted + PAGE - 1) / PAGE * PAGE;
    }

    private void remap(long capacity) throws NativeIOException {
        boolean writable = disk.isWritable();
        long address = LibC.mmap(disk.fd(), capacity, writable, path);
        Arena newArena = Arena.ofShared();
        MemorySegment newMapping = MemorySegment.ofAddress(address)
                .reinterpret(capacity, newArena, unused -> LibC.munmap(address, capacity));
        Arena old = arena;
        arena = newArena;
        // A PROT_READ mapping is read-only for Java too: a stray write throws instead of crashing the JVM.
        mapping = writable ? newMapping : newMapping.asReadOnly();
        if (old != null) {
            old.close();
        }
    }

    private void requireWritable() {
        if (!disk.isWritable()) {
            throw new IllegalStateException(path + " is mapped read-only");
        }
    }

    @Override
    public void close() {
        try {
            flushPending();
        } catch (NativeIOException e) {
            // Those appends were never acknowledged: their connections saw the failure.
        }
        releaseReservation();
        if (arena != null) {
            arena.close();
            arena = null;
        }
        disk.closeDescriptor();
    }

    /** Gives back the blocks reserved past the end, which the file system would keep after close. */
    private void releaseReservation() {
        if (!disk.isWritable() || disk.isGone() || !reservation.isHeldPast(length)) {
            return;
        }
        try {
            int descriptor = disk.fd();
            reservation.release(descriptor, path, LibC.fstat(descriptor, path).size());
        } catch (NativeIOException e) {
            // The blocks stay allocated (a file replaced meanwhile keeps its own): nothing is lost but space.
        }
    }

    /** A file's identity: two paths name the same file when device and inode are equal. */
    public record FileId(long device, long inode) {
    }
}

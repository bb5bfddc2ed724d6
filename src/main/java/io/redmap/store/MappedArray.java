package io.redmap.store;

import io.redmap.BatchClock;
import io.redmap.RedmapException;
import io.redmap.type.ElementCodec;

import java.lang.foreign.MemorySegment;

/**
 * A key's view of a mapped file: an array of rows, each {@code dim} values of one element type
 * (one element of its {@link ElementShape}, in C order), after {@code headerBytes} of header (0 for
 * raw files).
 *
 * <p>The element count is derived from the shared file's length every time, never cached, so
 * that all keys on one file agree. Bytes after the last whole row (a file whose size is not a
 * multiple of the row size) are ignored and never modified: appends and pops refuse such a file.
 */
public final class MappedArray {
    /**
     * The shared file, or null while its opening is deferred ({@link ArrayStore#openLater}: a
     * start's catalogue): {@link #file} opens it on first use. Never null again once set. The
     * layout fields below are final in effect: a deferred .npy key takes them from its header
     * when it opens (they then equal the catalogue's, or the open fails).
     */
    private MappedFile file;
    /** The store that opens the file on first use, while it is deferred; null otherwise. */
    private ArrayStore opener;
    /** Why the deferred open failed: every use of the key then fails with it, as for a deleted file. */
    private RedmapException openFailure;
    private final String givenPath;
    private ElementCodec codec;
    private ElementShape shape;
    private int dim;
    private long rowBytes;
    private long headerBytes;
    private final boolean writable;
    private final boolean npy;
    private final Durability durability;
    /** The header of a .npy file, whose shape follows every change of length; null for raw files. */
    private NpyHeader npyHeader;
    /**
     * When its key was last used, and Redis's LFU word (last decrement minute, counter; -1 until
     * first counted): bookkeeping of the keyspace ({@code io.redmap.keyspace.KeyAccess}), kept here
     * where every lookup of the key already lands, so that tracking costs a store or two. The store
     * itself never reads them.
     */
    private long accessMillis = BatchClock.millis();
    private int accessCounter = -1;

    public MappedArray(MappedFile file, String givenPath, ElementCodec codec, ElementShape shape, long headerBytes,
                       boolean writable, Durability durability) {
        this(file, givenPath, codec, shape, headerBytes, writable, durability, null);
    }

    MappedArray(MappedFile file, String givenPath, ElementCodec codec, ElementShape shape, long headerBytes,
                boolean writable, Durability durability, NpyHeader npyHeader) {
        this.file = file;
        this.givenPath = givenPath;
        this.codec = codec;
        this.shape = shape;
        this.dim = shape.rowValues();
        this.rowBytes = (long) codec.size() * dim;
        this.headerBytes = headerBytes;
        this.writable = writable;
        this.durability = durability;
        this.npyHeader = npyHeader;
        this.npy = npyHeader != null;
    }

    /** A key whose file {@code opener} opens on first use (see {@link ArrayStore#openLater}). */
    MappedArray(ArrayStore opener, ArraySpec spec, Durability durability) {
        this.opener = opener;
        this.givenPath = spec.path();
        this.codec = spec.type().codec(spec.valueSize());
        this.shape = spec.shape();
        this.dim = shape.rowValues();
        this.rowBytes = (long) codec.size() * dim;
        this.writable = spec.writable();
        this.durability = durability;
        this.npy = NpyHeader.isNpyPath(spec.path());
    }

    /** What the catalogue keeps of this key, and what opens it again. */
    public ArraySpec spec() {
        return new ArraySpec(givenPath, codec.type(), codec.size(), shape, writable);
    }

    /** Whether the file is open and mapped (false while its opening is deferred, or after it failed). */
    public boolean isOpen() {
        return file != null;
    }

    /**
     * {@link MappedFile#readableWithoutLock} for a lock-free reader, which must never open a file:
     * false while the opening is deferred, so that the read goes to the command lock's path.
     */
    public boolean readableWithoutLock() {
        MappedFile opened = file;
        return opened != null && opened.readableWithoutLock();
    }

    /** The deferred open succeeded: {@code opened} is the same key opened now (its file, and a .npy header's layout). */
    void opened(MappedArray opened) {
        this.codec = opened.codec;
        this.shape = opened.shape;
        this.dim = opened.dim;
        this.rowBytes = opened.rowBytes;
        this.headerBytes = opened.headerBytes;
        this.npyHeader = opened.npyHeader;
        this.opener = null;
        this.file = opened.file;
    }

    /** The deferred open failed: the key answers as one whose file was deleted while mapped. */
    void openFailed() {
        this.opener = null;
        this.openFailure = fileGone();
    }

    /** The key let go of its file before ever opening it (DEL, FLUSHALL, RENAME over it...). */
    void closedUnopened() {
        this.opener = null;
    }


    public long accessMillis() {
        return accessMillis;
    }

    public void accessMillis(long millis) {
        this.accessMillis = millis;
    }

    public int accessCounter() {
        return accessCounter;
    }

    public void accessCounter(int word) {
        this.accessCounter = word;
    }

    /**
     * The mapped file, opened now if its opening was deferred (under the command lock, as every
     * use of a key but the lock-free reads, which check {@link #readableWithoutLock} first).
     *
     * @throws RedmapException the key's "file changed on disk" error when the deferred open failed
     */
    public MappedFile file() {
        MappedFile opened = file;
        return opened != null ? opened : openNow();
    }

    private MappedFile openNow() {
        if (openFailure == null && opener != null) {
            opener.openDeferred(this); // sets file, or openFailure
        }
        if (file != null) {
            return file;
        }
        if (openFailure != null) {
            throw openFailure;
        }
        throw new IllegalStateException(givenPath + " was let go of before it was opened");
    }

    /** The path as the client gave it to MMAP (what VFILEPATH replies). */
    public String givenPath() {
        return givenPath;
    }

    public ElementCodec codec() {
        return codec;
    }

    /** Values per row (the product of the element shape's axes): 1 for plain arrays. */
    public int dim() {
        return dim;
    }

    /** The shape of one element: {@code ()} for plain arrays, {@code (dim,)} for rows, more axes for rank N. */
    public ElementShape elementShape() {
        return shape;
    }

    public long rowBytes() {
        return rowBytes;
    }

    public boolean isWritable() {
        return writable;
    }

    /** Whether this key reads the file as .npy (through its header). */
    public boolean isNpy() {
        return npy;
    }

    /**
     * Whether an MMAP of this array's file with {@code spec} asks for this very mapping: same
     * writable flag, and the same type, value size and element shape where the spec names them
     * (a {@code .npy} spec without them means "as the header says", which this array follows).
     */
    public boolean isMappedAs(ArraySpec spec) {
        return spec.writable() == writable
                && (spec.type() == null || spec.type() == codec.type() && spec.valueSize() == codec.size())
                && (spec.shape() == null || spec.shape().matches(shape));
    }

    /** Whole rows in the file. */
    public long count() {
        long data = file().length() - headerBytes;
        return data <= 0 ? 0 : data / rowBytes;
    }

    /**
     * Re-reads the file's size from disk (someone else may have changed it) and returns the
     * count: a truncated file is no error here, VCOUNT shows its real length.
     */
    public long refreshCount() {
        if (file().checkOnDisk(true) == MappedFile.Change.GONE) {
            throw fileGone();
        }
        return count();
    }

    /**
     * Checks, before a command uses the array, that nobody truncated, deleted or replaced the
     * file behind the server's back: the first command to see a truncation gets an error (the
     * length then follows the file); a deleted or replaced file fails every command until the
     * key is mapped again.
     */
    public void verifyOnDisk() {
        switch (file().checkOnDisk(false)) {
            case SHRANK -> throw RedmapException.err("file changed on disk: " + givenPath
                    + " was truncated to " + count() + " elements by another program");
            case GONE -> throw fileGone();
            case NONE -> { }
        }
    }

    private RedmapException fileGone() {
        return RedmapException.err("file changed on disk: " + givenPath
                + " was deleted or replaced; DEL the key and MMAP it again");
    }

    /** Byte offset of a row in {@link #segment()}; the caller has checked {@code row < count()}. */
    public long offsetOf(long row) {
        return headerBytes + row * rowBytes;
    }

    public MemorySegment segment() {
        return file().segment();
    }

    /** Copies {@code rowBytes} bytes of {@code source} over row {@code row}. */
    public void writeRow(long row, MemorySegment source, long sourceOffset) {
        requireWritableRows(row, 1);
        MemorySegment.copy(source, sourceOffset, file().segment(), offsetOf(row), rowBytes);
    }

    /**
     * Checks, before anything is written, that rows {@code [first, first+rows)} may be
     * overwritten: the key is writable, and none of their bytes is part of a .npy header (a raw
     * key on a file that another key maps as .npy, see {@link NpyGuard}).
     */
    public void requireWritableRows(long first, long rows) {
        requireWritable();
        file().npyGuard().requireOutside(offsetOf(first), rows * rowBytes, givenPath);
    }

    /** Checks, before anything is changed or replied, that the array may be cut to {@code rows} rows. */
    public void requireTruncatable(long rows) {
        requireWritable();
        requireIntactHeader();
        file().npyGuard().requireKept(headerBytes + rows * rowBytes, givenPath);
    }

    /** A .npy key reads nothing, and must append nothing, when its header was cut behind its back. */
    private void requireIntactHeader() {
        if (npyHeader != null && file().length() < headerBytes) {
            throw RedmapException.err("file changed on disk: the .npy header of " + givenPath
                    + " was cut; DEL the key and MMAP it again");
        }
    }

    /**
     * Appends whole rows (a native segment whose size is a multiple of the row size).
     *
     * @return true when the append was deferred to be written with the next ones: the caller
     *     must not acknowledge it before {@link ArrayStore#flushPendingAppends} (the server does
     *     this before a connection's replies go out)
     */
    public boolean append(MemorySegment rows) {
        requireWritable();
        requireIntactHeader();
        requireWholeRows();
        file().npyGuard().headerFor(file().length() + rows.byteSize()); // no room for the shape: refuse before writing
        boolean deferred;
        try {
            deferred = durability.append(file(), rows);
        } catch (NativeIOException e) {
            throw ioFailure("append", e);
        }
        shapeChanged();
        return deferred;
    }

    /** Keeps the first {@code rows} rows and cuts the file after them. */
    public void truncateRows(long rows) {
        requireTruncatable(rows);
        try {
            file().truncate(headerBytes + rows * rowBytes);
        } catch (NativeIOException e) {
            throw ioFailure("truncate", e);
        }
        shapeChanged();
    }

    /** Keeps a .npy header's shape in step with the file, whichever key changed its length. */
    void shapeChanged() {
        file().npyShapeChanged();
    }

    /** Whether the file ends in a partial row, which appends and pops must not touch. */
    public boolean hasPartialRow() {
        return file().length() > headerBytes && (file().length() - headerBytes) % rowBytes != 0;
    }

    public void requireWholeRows() {
        if (hasPartialRow()) {
            throw RedmapException.err("file size is not a whole number of elements; "
                    + "appends and pops are refused so that its last bytes are never modified");
        }
    }

    /** Called after every change: syncs at once under {@code mmap-sync always}, or marks the file dirty. */
    public void written() {
        try {
            durability.written(file());
        } catch (NativeIOException e) {
            throw ioFailure("sync", e);
        }
    }

    /** VSYNC: data and length on disk now, whatever the sync policy. */
    public void sync() {
        try {
            durability.synced(file());
        } catch (NativeIOException e) {
            throw ioFailure("sync", e);
        }
    }

    /** The error for a file that was truncated, replaced or deleted behind the server's back. */
    public RedmapException fileChanged() {
        return RedmapException.err("file changed on disk: " + givenPath);
    }

    /** {@code ERR The file is not writable} for a key mapped without WRITABLE. */
    public void requireWritable() {
        if (!writable) {
            throw Errors.NOT_WRITABLE;
        }
    }

    private RedmapException ioFailure(String operation, NativeIOException e) {
        if (e.isDiskFull()) {
            return RedmapException.err(operation + " failed: no space left on device (" + givenPath + ")");
        }
        return RedmapException.err(operation + " failed: " + e.getMessage());
    }
}

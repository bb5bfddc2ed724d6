package io.redmap.store;

import io.redmap.RedmapException;

/**
 * The {@code .npy} header of a shared file, while at least one key maps the file as {@code .npy}.
 * Files are shared by device and inode, so the same file may also be mapped raw (through a hard
 * link, say, as uint8): the protection lives here, with the file, and holds for every key on it.
 *
 * <ul>
 *   <li>No write through any key puts data into the header bytes, and no pop or clear cuts into
 *   them: such a command is refused before it changes anything.</li>
 *   <li>The header's shape follows the file's length whichever key changed it, so that
 *   {@code numpy.load} reads the file after a raw key's appends and pops too (only the digits
 *   of the shape change, as numpy itself leaves room for them).</li>
 * </ul>
 */
final class NpyGuard {
    private NpyHeader header;
    private long rowBytes;
    private int keys;

    /** A key maps the file as .npy with this header and rows of {@code rowBytes}. */
    void add(NpyHeader header, long rowBytes) {
        this.header = header;
        this.rowBytes = rowBytes;
        keys++;
    }

    /** A .npy key let go of the file; the last one lifts the protection. */
    void remove() {
        if (keys > 0 && --keys == 0) {
            header = null;
        }
    }

    /** The bytes no data write may touch: the header's length, 0 when no key maps the file as .npy. */
    long headerBytes() {
        return header == null ? 0 : header.dataOffset();
    }

    /** Refuses a write of {@code bytes} bytes at {@code offset} that would land in the header. */
    void requireOutside(long offset, long bytes, String givenPath) {
        if (bytes > 0 && offset < headerBytes()) {
            throw refused(givenPath);
        }
    }

    /** Refuses to cut the file to {@code length} bytes when that would cut the header. */
    void requireKept(long length, String givenPath) {
        if (length < headerBytes()) {
            throw refused(givenPath);
        }
    }

    /**
     * The header for a file of {@code length} bytes (its shape counts the whole rows after it),
     * or null when no key maps the file as .npy.
     *
     * @throws RedmapException when the shape no longer fits in the header (check before writing)
     */
    byte[] headerFor(long length) {
        if (header == null) {
            return null;
        }
        return header.withRows(Math.max(0, length - header.dataOffset()) / rowBytes);
    }

    private static RedmapException refused(String givenPath) {
        return RedmapException.err("refused: this would change the .npy header of " + givenPath
                + " (the file is also mapped as .npy by another key)");
    }
}

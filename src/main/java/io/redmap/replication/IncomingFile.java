package io.redmap.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * One file of a full sync, on the replica (or of a MIGRATE, on its target). Blocks that differ
 * from the replica's own copy arrive into a temporary file beside the target
 * ({@code .name.redmap-sync}), which starts as a copy of that copy, and replaces it only when the
 * whole sync is complete; a sync that dies half-way leaves the previous file as it was. A file whose every block matched, at the same size, is not touched
 * at all (same inode, same mtime).
 */
public final class IncomingFile {
    private final Path target;
    private long size;
    private final boolean localExists;
    private final long localSize;
    private Path temp;
    private FileChannel out;
    /** Whether a temporary file was made (a block differed, or the size does). */
    private boolean rewritten;

    /** Permissions of the files the server makes ({@code mmap-file-mode}), given to the temporary file. */
    private final Set<PosixFilePermission> mode;

    public IncomingFile(Path target, long size, int fileMode) throws IOException {
        this.target = target;
        this.size = size;
        this.mode = permissions(fileMode);
        this.localExists = Files.isRegularFile(target);
        this.localSize = localExists ? Files.size(target) : -1;
    }

    Path target() {
        return target;
    }

    long size() {
        return size;
    }

    /** The file's final size, when it changed since the transfer began (MIGRATE: appends meanwhile). */
    public void resize(long newSize) {
        this.size = newSize;
    }

    /** The checksums of the replica's copy (null when it has none), read before the sync changes anything. */
    public byte[] localChecksums() throws IOException {
        if (!localExists) {
            return null;
        }
        try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ)) {
            return BlockChecksums.of(in, Math.min(size, localSize));
        }
    }

    /** A block from the master, written into the temporary file at {@code offset}. */
    public void write(long offset, ByteBuffer data) throws IOException {
        FileChannel channel = temp();
        while (data.hasRemaining()) {
            offset += channel.write(data, offset);
        }
    }

    /** Whether the sync changes this file (some block differed, or the sizes do). */
    public boolean changed() {
        return rewritten || localSize != size;
    }

    /**
     * Makes what has arrived so far durable (MIGRATE asks before its last pass, so that the pass,
     * during which the source waits, syncs only the little written since).
     */
    public void flush() throws IOException {
        if (out != null) {
            out.force(true);
        }
    }

    /** All blocks arrived: the temporary file (if any) is made the right size and durable. */
    public void finish() throws IOException {
        if (!changed()) {
            return;
        }
        FileChannel channel = temp();
        if (channel.size() > size) {
            channel.truncate(size);
        } else if (channel.size() < size) {
            channel.write(ByteBuffer.allocate(1), size - 1); // extends with zeros
        }
        channel.force(true);
        channel.close();
        out = null;
    }

    /** Puts the complete file in place of the replica's copy (same directory: an atomic rename). */
    public void commit() throws IOException {
        if (temp == null || out != null) {
            return;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        temp = null;
    }

    /** The sync failed: the temporary file goes, the replica's copy stays as it was. */
    public void abort() {
        try {
            if (out != null) {
                out.close();
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException ignored) {
            // A stray temporary file is overwritten by the next sync.
        }
        out = null;
        temp = null;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ first: bit 8 down to bit 0
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    private FileChannel temp() throws IOException {
        if (out == null) {
            rewritten = true;
            Files.createDirectories(target.getParent());
            temp = target.resolveSibling("." + target.getFileName() + ".redmap-sync");
            out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
            Files.setPosixFilePermissions(temp, mode); // exactly the mode, whatever the umask
            if (localExists) {
                // The blocks that matched come from the replica's own copy (copy_file_range).
                try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ)) {
                    long copy = Math.min(size, localSize);
                    long done = 0;
                    while (done < copy) {
                        done += in.transferTo(done, copy - done, out);
                    }
                }
            }
        }
        return out;
    }
}

package io.redmap.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Makes multi-page appends all-or-nothing under {@code mmap-sync always}.
 *
 * <p>A {@code pwrite} that spans pages can be cut short by kill -9 (the kernel checks for fatal
 * signals between pages), leaving part of an append in the file: values no client was ever told
 * about. Before such an append, one record is written and synced here: which file, its length
 * before, its length after. At start, {@link #recover} finds a file whose length lies strictly
 * between the two (a torn append) and cuts it back to its old length. Commands run one at a
 * time, so one record is enough; each append overwrites the last.
 */
public final class AppendJournal implements AutoCloseable {
    private static final int MAGIC = 0x524d414a; // "RMAJ"
    private static final int VERSION = 1;

    private final Path file;
    private FileChannel channel;

    public AppendJournal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Records, durably, that {@code target} is about to grow from {@code before} to {@code after} bytes. */
    void record(MappedFile target, long before, long after) throws IOException {
        byte[] path = target.path().getBytes(StandardCharsets.UTF_8);
        ByteBuffer record = ByteBuffer.allocate(48 + path.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(MAGIC).putInt(VERSION).putLong(target.id().device()).putLong(target.id().inode())
                .putLong(before).putLong(after).putInt(path.length).put(path);
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 0, record.position());
        record.putInt((int) crc.getValue());
        record.flip();
        FileChannel out = channel();
        out.truncate(0);
        while (record.hasRemaining()) {
            out.write(record, record.position());
        }
        out.force(true);
    }

    /** Forgets the record, durably, once its append is on disk. */
    void clear() throws IOException {
        FileChannel out = channel();
        out.truncate(0);
        out.force(true);
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return channel;
    }

    /**
     * Cuts back a file that a crash left with a torn append.
     *
     * @return what was done, for the log (empty when nothing was torn)
     */
    public List<String> recover() throws IOException {
        List<String> report = new ArrayList<>();
        ByteBuffer record;
        try {
            record = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            return report;
        }
        if (record.remaining() < 48 || record.getInt(0) != MAGIC || record.getInt(4) != VERSION) {
            return report;
        }
        int pathLength = record.getInt(40);
        if (pathLength < 0 || 44 + pathLength + 4 != record.remaining()) {
            report.add("append journal " + file + " is damaged; ignored");
            return report;
        }
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 0, 44 + pathLength);
        if ((int) crc.getValue() != record.getInt(44 + pathLength)) {
            report.add("append journal " + file + " is damaged; ignored");
            return report;
        }
        long device = record.getLong(8);
        long inode = record.getLong(16);
        long before = record.getLong(24);
        long after = record.getLong(32);
        String path = new String(record.array(), 44, pathLength, StandardCharsets.UTF_8);
        int fd;
        try {
            fd = LibC.open(path, LibC.O_RDWR | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | LibC.O_NONBLOCK, 0);
        } catch (NativeIOException e) {
            return report; // The file is gone: nothing to repair.
        }
        try {
            LibC.Stat stat = LibC.fstat(fd, path);
            if (stat.isRegularFile() && stat.device() == device && stat.inode() == inode
                    && stat.size() > before && stat.size() < after) {
                LibC.ftruncate(fd, before, path);
                LibC.fsync(fd, path, false);
                report.add("torn append to " + path + " undone: " + stat.size() + " bytes cut back to " + before);
            }
        } finally {
            LibC.close(fd);
        }
        return report;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The journal only matters before a crash; closing it cleanly changes nothing.
            }
            channel = null;
        }
    }
}

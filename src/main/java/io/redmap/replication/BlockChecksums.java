package io.redmap.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The block checksums that let a full sync skip what the replica already holds: CRC32C (the JDK's,
 * computed with the CPU's crc32 instruction) of each {@link #BLOCK_BYTES} block of a file. The
 * replica sends those of its own copy; the master sends only the blocks whose checksum differs.
 * MIGRATE does the same between a cluster's masters.
 */
public final class BlockChecksums {
    /** One block: small enough that a changed element costs little to send, large enough that the list is short (4 bytes per MiB). */
    public static final int BLOCK_BYTES = 1 << 20;

    private BlockChecksums() {
    }

    public static int blocks(long size) {
        return (int) ((size + BLOCK_BYTES - 1) / BLOCK_BYTES);
    }

    /** The checksums of a file's first {@code size} bytes, 4 little-endian bytes per block; a short file reads as zeros past its end. */
    public static byte[] of(FileChannel file, long size) throws IOException {
        int blocks = blocks(size);
        ByteBuffer sums = ByteBuffer.allocate(4 * blocks).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES);
        for (int i = 0; i < blocks; i++) {
            long offset = (long) i * BLOCK_BYTES;
            int length = (int) Math.min(BLOCK_BYTES, size - offset);
            block.clear().limit(length);
            readFully(file, block, offset);
            block.flip();
            sums.putInt(crc(block));
        }
        return sums.array();
    }

    /** Reads as much as the file has into {@code buffer} from {@code offset}, zeros for the rest. */
    public static void readFully(FileChannel file, ByteBuffer buffer, long offset) throws IOException {
        while (buffer.hasRemaining()) {
            int read = file.read(buffer, offset);
            if (read < 0) {
                while (buffer.hasRemaining()) {
                    buffer.put((byte) 0);
                }
                return;
            }
            offset += read;
        }
    }

    static int crc(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    /** Checksum {@code block} of a list made by {@link #of}, or null when the list has no such block. */
    public static Integer get(byte[] sums, int block) {
        if (sums == null || 4 * block + 4 > sums.length) {
            return null;
        }
        return ByteBuffer.wrap(sums).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * block);
    }
}

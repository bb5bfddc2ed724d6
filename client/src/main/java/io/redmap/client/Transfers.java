package io.redmap.client;

/**
 * Moves whole rows between the server and the caller's arrays in chunks: no request or reply is
 * longer than the chunk size, nor than the server's {@code proto-max-bulk-len} (a VREAD beyond it
 * is refused), and each chunk's bytes go straight into their place in the one array the caller
 * allocated. What the bytes mean is the caller's business ({@link RowSink}, {@link RowSource}).
 */
final class Transfers {
    /** The lowest {@code proto-max-bulk-len} a server accepts (Redis's and redmap's 1mb): below it nothing is asked. */
    static final int SMALLEST_SERVER_LIMIT = 1 << 20;

    /** Receives {@code rows} rows of a reply, the first of them row {@code firstRow} of the result. */
    @FunctionalInterface
    interface RowSink {
        void accept(byte[] bytes, int firstRow, int rows);
    }

    /** Fills {@code bytes} with {@code rows} rows of the caller's data from row {@code firstRow}. */
    @FunctionalInterface
    interface RowSource {
        void fill(byte[] bytes, int firstRow, int rows);
    }

    private final Wire wire;
    private final int chunkBytes;
    /** The server's proto-max-bulk-len once asked: 0 not yet, -1 when it would not say. */
    private volatile long serverLimit;

    Transfers(Wire wire, int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("the chunk size must be at least one byte: " + chunkBytes);
        }
        this.wire = wire;
        this.chunkBytes = chunkBytes;
    }

    /** VREAD of {@code count} rows from {@code start}, chunk by chunk; one VREAD even for none (the server checks start). */
    void read(String key, int rowBytes, long start, int count, RowSink sink) {
        int perChunk = rowsPerChunk(key, rowBytes, (long) count * rowBytes);
        int done = 0;
        do {
            int rows = Math.min(perChunk, count - done);
            byte[] bytes = wire.vread(key, start + done, rows);
            requireLength(key, bytes, rows, rowBytes);
            sink.accept(bytes, done, rows);
            done += rows;
        } while (done < count);
    }

    /** VMREAD of the rows at {@code indices}, in order, chunk by chunk; nothing is sent for no indices. */
    void gather(String key, int rowBytes, long[] indices, RowSink sink) {
        int perChunk = rowsPerChunk(key, rowBytes, (long) indices.length * rowBytes);
        for (int done = 0; done < indices.length; ) {
            int rows = Math.min(perChunk, indices.length - done);
            byte[] bytes = wire.vmread(key, indices, done, done + rows);
            requireLength(key, bytes, rows, rowBytes);
            sink.accept(bytes, done, rows);
            done += rows;
        }
    }

    /** VWRITE of {@code count} rows at {@code start}, chunk by chunk; replies the rows written. */
    long write(String key, int rowBytes, long start, int count, RowSource source) {
        int perChunk = rowsPerChunk(key, rowBytes, (long) count * rowBytes);
        long written = 0;
        int done = 0;
        do {
            int rows = Math.min(perChunk, count - done);
            byte[] bytes = new byte[rows * rowBytes];
            source.fill(bytes, done, rows);
            written += wire.vwrite(key, start + done, bytes);
            done += rows;
        } while (done < count);
        return written;
    }

    /** Rows in one chunk: as many as fit in the chunk size and the server's limit, at least one. */
    private int rowsPerChunk(String key, int rowBytes, long totalBytes) {
        long limit = chunkBytes;
        if (totalBytes > Math.min(chunkBytes, SMALLEST_SERVER_LIMIT)) {
            long server = serverLimit(key);
            if (server > 0) {
                limit = Math.min(limit, server);
            }
        }
        long rows = limit / rowBytes;
        if (rows == 0) {
            throw new IllegalArgumentException("one row of '" + key + "' is " + rowBytes
                    + " bytes, more than one request or reply may hold (" + limit + " bytes)");
        }
        return (int) Math.min(rows, Integer.MAX_VALUE);
    }

    private long serverLimit(String key) {
        long limit = serverLimit;
        if (limit == 0) {
            limit = wire.protoMaxBulkLen(key);
            serverLimit = limit;
        }
        return limit;
    }

    /** A reply of another length than the rows asked means the key's rows are not what the client remembers. */
    private static void requireLength(String key, byte[] bytes, int rows, int rowBytes) {
        if (bytes.length != (long) rows * rowBytes) {
            throw new LayoutChangedException(key, bytes.length, rows, rowBytes);
        }
    }

    /** The key was mapped again with rows of another size since the client looked. */
    static final class LayoutChangedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        LayoutChangedException(String key, int length, int rows, int rowBytes) {
            super("the server replied " + length + " bytes for " + rows + " rows of '" + key + "' of " + rowBytes
                    + " bytes each: the key was mapped again with another type or shape");
        }
    }
}

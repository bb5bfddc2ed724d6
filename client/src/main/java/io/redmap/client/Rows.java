package io.redmap.client;

/**
 * Reads, gathers, writes and appends of whole rows as arrays of one Java type: {@code float[][]}
 * for a key of rows of float32 (an embedding per row). A row is every value after the first axis:
 * for a key of shape {@code [n, 4, 3]} a row has 12 values. Plain arrays have rows of one value.
 *
 * <pre>
 * float[][] batch = redmap.floatRows().gather("emb", 17, 4242, 9);
 * redmap.floatRows().append("emb", new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}});
 * </pre>
 *
 * The same checks as {@link Values}: a row of the wrong length anywhere in a write refuses the
 * whole write before anything is sent.
 *
 * @param <A> the array type of one row, e.g. {@code float[]}
 */
public final class Rows<A> {
    private final Primitive<A> primitive;
    private final Access access;

    Rows(Primitive<A> primitive, Access access) {
        this.primitive = primitive;
        this.access = access;
    }

    /** Every row. */
    public A[] read(String key) {
        return access.reading(key, true, info -> read(key, info, 0, info.count()));
    }

    /** {@code count} rows from {@code start} (VREAD's rules: the range must exist). */
    public A[] read(String key, long start, long count) {
        access.refuseNegative(key, start, count);
        return access.reading(key, false, info -> read(key, info, start, count));
    }

    /** The rows at {@code indices}, in their order, repeats allowed (VMREAD). */
    public A[] gather(String key, long... indices) {
        return access.reading(key, false, info -> {
            primitive.requireCarries(key, info, "gather rows of '" + key + "' into " + primitive + " rows");
            A[] rows = primitive.allocateRows(indices.length);
            access.transfers.gather(key, Access.rowBytes(info), indices, sink(info, rows));
            return rows;
        });
    }

    /** {@link #gather(String, long...)} for {@code int} indices. */
    public A[] gather(String key, int[] indices) {
        long[] wide = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            wide[i] = indices[i];
        }
        return gather(key, wide);
    }

    /** Writes {@code rows} from row {@code start} (overwriting, and appending past the end); replies the rows written. */
    public long write(String key, long start, A[] rows) {
        access.refuseNegative(key, start);
        return access.writing(key, info -> write(key, info, start, rows));
    }

    /** Appends {@code rows} after the last row: a VWRITE at the count; replies the rows appended. */
    public long append(String key, A[] rows) {
        return access.writing(key, info -> write(key, info, info.count(), rows));
    }

    private A[] read(String key, ArrayInfo info, long start, long count) {
        primitive.requireCarries(key, info, "read '" + key + "' into " + primitive + " rows");
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " rows are more than a Java array holds; read them in parts");
        }
        A[] rows = primitive.allocateRows((int) count);
        access.transfers.read(key, Access.rowBytes(info), start, (int) count, sink(info, rows));
        return rows;
    }

    /** Decodes each row of a reply into a new array of its own, at its place in {@code rows}. */
    private Transfers.RowSink sink(ArrayInfo info, A[] rows) {
        int rowLength = info.rowLength();
        int rowBytes = Access.rowBytes(info);
        return (bytes, first, count) -> {
            for (int r = 0; r < count; r++) {
                A row = primitive.allocate(rowLength, "a row");
                primitive.decode(bytes, (long) r * rowBytes, row, 0, rowLength);
                rows[first + r] = row;
            }
        };
    }

    private long write(String key, ArrayInfo info, long start, A[] rows) {
        primitive.requireCarries(key, info, "write " + primitive + " rows to '" + key + "'");
        int rowLength = info.rowLength();
        for (int r = 0; r < rows.length; r++) {
            int length = primitive.length(rows[r]);
            if (length != rowLength) {
                throw new RedmapTypeException("row " + r + " has " + length + " values, but the rows of '" + key
                        + "' have " + rowLength + " (shape " + info + "); nothing was written");
            }
        }
        int rowBytes = Access.rowBytes(info);
        return access.transfers.write(key, rowBytes, start, rows.length, (bytes, first, count) -> {
            for (int r = 0; r < count; r++) {
                primitive.encode(rows[first + r], 0, bytes, (long) r * rowBytes, rowLength);
            }
        });
    }
}

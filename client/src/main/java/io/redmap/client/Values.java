package io.redmap.client;

/**
 * Reads, gathers, writes and appends of one Java array type, flat: the values of consecutive rows
 * one after the other ({@code count * rowLength} values for rows of a {@code DIM} or {@code SHAPE}
 * key). Start, count and indices are in rows (elements for plain arrays), as the server counts them.
 *
 * <pre>
 * double[] prices = redmap.doubles().read("prices", 0, 1000);
 * redmap.doubles().append("prices", new double[] {101.5, 99.25});
 * </pre>
 *
 * Every method checks the key's type (and a write its row length) before it sends anything:
 * {@link RedmapTypeException} when they do not fit. Errors of the server (an index out of range,
 * a key not mapped, read-only) come as Jedis's {@code JedisDataException} with the server's text.
 *
 * @param <A> the array type, e.g. {@code double[]}
 */
public final class Values<A> {
    private final Primitive<A> primitive;
    private final Access access;

    Values(Primitive<A> primitive, Access access) {
        this.primitive = primitive;
        this.access = access;
    }

    /** The whole array. */
    public A read(String key) {
        return access.reading(key, true, info -> read(key, info, 0, info.count()));
    }

    /** {@code count} rows from {@code start} (VREAD's rules: the range must exist). */
    public A read(String key, long start, long count) {
        access.refuseNegative(key, start, count);
        return access.reading(key, false, info -> read(key, info, start, count));
    }

    /** The rows at {@code indices}, in their order, repeats allowed (VMREAD). */
    public A gather(String key, long... indices) {
        return access.reading(key, false, info -> {
            primitive.requireCarries(key, info, "gather rows of '" + key + "' into a " + primitive);
            int rowLength = info.rowLength();
            A values = primitive.allocate((long) indices.length * rowLength, "the gather of " + key);
            access.transfers.gather(key, Access.rowBytes(info), indices,
                    (bytes, first, rows) -> primitive.decode(bytes, 0, values, first * rowLength, rows * rowLength));
            return values;
        });
    }

    /** {@link #gather(String, long...)} for {@code int} indices. */
    public A gather(String key, int[] indices) {
        long[] wide = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            wide[i] = indices[i];
        }
        return gather(key, wide);
    }

    /**
     * Writes {@code values} (whole rows) from row {@code start}, overwriting and appending as VWRITE
     * does ({@code start} may be the count); replies the rows written. Chunks beyond the server's
     * limits are separate VWRITEs: each is whole, the write as a whole is not atomic.
     */
    public long write(String key, long start, A values) {
        access.refuseNegative(key, start);
        return access.writing(key, info -> write(key, info, start, values));
    }

    /** Appends {@code values} (whole rows) after the last row: a VWRITE at the count; replies the rows appended. */
    public long append(String key, A values) {
        return access.writing(key, info -> write(key, info, info.count(), values));
    }

    private A read(String key, ArrayInfo info, long start, long count) {
        primitive.requireCarries(key, info, "read '" + key + "' into a " + primitive);
        int rowLength = info.rowLength();
        A values = primitive.allocate(count * rowLength, "the read of " + key);
        access.transfers.read(key, Access.rowBytes(info), start, (int) count,
                (bytes, first, rows) -> primitive.decode(bytes, 0, values, first * rowLength, rows * rowLength));
        return values;
    }

    private long write(String key, ArrayInfo info, long start, A values) {
        primitive.requireCarries(key, info, "write a " + primitive + " to '" + key + "'");
        int rowLength = info.rowLength();
        int length = primitive.length(values);
        if (length % rowLength != 0) {
            throw new RedmapTypeException(length + " values are not whole rows of '" + key + "', whose rows have "
                    + rowLength + " values (shape " + info + ")");
        }
        return access.transfers.write(key, Access.rowBytes(info), start, length / rowLength,
                (bytes, first, rows) -> primitive.encode(values, first * rowLength, bytes, 0, rows * rowLength));
    }
}

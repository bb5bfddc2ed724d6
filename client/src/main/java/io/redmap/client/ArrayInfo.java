package io.redmap.client;

import java.util.Arrays;

/**
 * What the server says of a key: its element type ({@code VTYPE}) and shape ({@code VSHAPE}, first
 * axis first: {@code [count]} for plain arrays, {@code [count, 768]} for rows of 768 values).
 * The first axis is the element (row) axis; the others make one row.
 */
public record ArrayInfo(ElementType type, long[] shape) {
    public ArrayInfo {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a shape has at least one axis (the count)");
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Elements (rows) in the array: the first axis. */
    public long count() {
        return shape[0];
    }

    /** Values in one row: the product of the axes after the first (1 for plain arrays). */
    public int rowLength() {
        long length = 1;
        for (int axis = 1; axis < shape.length; axis++) {
            length = Math.multiplyExact(length, shape[axis]);
        }
        return Math.toIntExact(length);
    }

    /** The shape of one row, as {@code MMAP ... SHAPE} takes it (empty for plain arrays). */
    public long[] rowShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArrayInfo info && info.type == type && Arrays.equals(info.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return type.serverName() + Arrays.toString(shape);
    }
}

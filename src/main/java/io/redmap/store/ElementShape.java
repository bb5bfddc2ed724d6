package io.redmap.store;

import java.util.Arrays;

/**
 * The shape of one element of an array: its axes after the first (the first axis is the element
 * count, which follows the file). {@code ()} for plain values, {@code (768,)} for rows of 768
 * values, {@code (32, 32, 3)} for images. The values of an element are stored in C order, one row
 * of {@link #rowValues()} values.
 *
 * <p>Written as a Python tuple without spaces ({@code ()}, {@code (768,)}, {@code (3,4)}) where
 * one word must carry it: the catalogue, the replication manifest, MIGRATE.
 */
public final class ElementShape {
    /** The shape of plain values: no axis after the first. */
    public static final ElementShape SCALAR = new ElementShape(new int[0]);
    /** numpy 2's limit on the number of axes, the first one included. */
    public static final int MAX_AXES = 64;

    private final int[] axes;
    private final int rowValues;

    private ElementShape(int[] axes) {
        long values = 1;
        for (int axis : axes) {
            if (axis <= 0) {
                throw new IllegalArgumentException("every axis of an element must be positive: " + Arrays.toString(axes));
            }
            values *= axis;
            if (values > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("an element of more than " + Integer.MAX_VALUE + " values");
            }
        }
        if (axes.length >= MAX_AXES) {
            throw new IllegalArgumentException("more than " + MAX_AXES + " axes");
        }
        this.axes = axes;
        this.rowValues = (int) values;
    }

    /** The shape with these axes (each positive, their product at most {@link Integer#MAX_VALUE}). */
    public static ElementShape of(int... axes) {
        return axes.length == 0 ? SCALAR : new ElementShape(axes.clone());
    }

    /** What {@code DIM n} always meant: n values per row, and plain values for {@code DIM 1}. */
    public static ElementShape ofDim(int dim) {
        return dim == 1 ? SCALAR : of(dim);
    }

    /**
     * Whether {@code DIM n} (with n the values per element) says this shape, as it did before
     * arrays of any rank: {@code ()} and {@code (n,)} for n > 1. Protocols that carried DIM add the
     * shape only when it does not, so that servers that knew only DIM still understand the rest.
     */
    public boolean saidByDim() {
        return equals(ofDim(rowValues));
    }

    /** Values per element (the product of the axes; 1 for plain values). */
    public int rowValues() {
        return rowValues;
    }

    public int rank() {
        return axes.length;
    }

    public int axis(int i) {
        return axes[i];
    }

    /**
     * Whether an element of this shape is laid out as one of {@code other}: the same shape, or one
     * value either way ({@code ()} and {@code (1,)}: a row of one value is a value, as DIM 1 has
     * always been).
     */
    public boolean matches(ElementShape other) {
        return equals(other) || rowValues == 1 && other.rowValues == 1 && rank() <= 1 && other.rank() <= 1;
    }

    /** The tuple text without spaces: {@code ()}, {@code (768,)}, {@code (3,4)}. */
    public String text() {
        if (axes.length == 1) {
            return "(" + axes[0] + ",)";
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < axes.length; i++) {
            out.append(i == 0 ? "" : ",").append(axes[i]);
        }
        return out.append(')').toString();
    }

    /**
     * Reads {@link #text()}'s form back.
     *
     * @throws IllegalArgumentException when it is not such a tuple of positive axes
     */
    public static ElementShape parse(String text) {
        if (text.length() < 2 || text.charAt(0) != '(' || text.charAt(text.length() - 1) != ')') {
            throw new IllegalArgumentException("bad shape " + text);
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.isEmpty()) {
            return SCALAR;
        }
        String[] parts = (inner.endsWith(",") ? inner.substring(0, inner.length() - 1) : inner).split(",", -1);
        int[] axes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            axes[i] = Integer.parseInt(parts[i]);
        }
        return of(axes);
    }

    /** The full shape of an array of {@code count} such elements, as numpy writes it: {@code (5, 3, 4)}. */
    public String numpyShape(long count) {
        StringBuilder out = new StringBuilder("(").append(count);
        if (axes.length == 0) {
            return out.append(",)").toString();
        }
        for (int axis : axes) {
            out.append(", ").append(axis);
        }
        return out.append(')').toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ElementShape shape && Arrays.equals(axes, shape.axes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(axes);
    }

    @Override
    public String toString() {
        return text();
    }
}

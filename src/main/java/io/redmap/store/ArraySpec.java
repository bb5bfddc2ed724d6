package io.redmap.store;

import io.redmap.type.ElementType;

/**
 * What a key maps: the file (as the client named it), the element type and size, the shape of
 * one element, and whether writes are allowed. This is what the catalogue keeps for every key.
 *
 * <p>For a {@code .npy} file the type and the shape may be null: the file's header says them.
 */
public record ArraySpec(String path, ElementType type, int valueSize, ElementShape shape, boolean writable) {
    public ArraySpec {
        if (type != null && valueSize <= 0) {
            throw new IllegalArgumentException("value size must be positive");
        }
        if ((type == null || shape == null) && !NpyHeader.isNpyPath(path)) {
            throw new IllegalArgumentException("only a .npy file can name its own type and shape");
        }
    }

    /** With {@code DIM dim} for the shape: 0 means "as the .npy header says". */
    public ArraySpec(String path, ElementType type, int valueSize, int dim, boolean writable) {
        this(path, type, valueSize, dim == 0 ? null : ElementShape.ofDim(dim), writable);
    }

    /** Values per element; 0 when the .npy header says. */
    public int dim() {
        return shape == null ? 0 : shape.rowValues();
    }
}

package io.redmap.store;

import io.redmap.type.ElementType;

/**
 * What a key maps: the file (as the client named it), the element type and size, values per
 * row, and whether writes are allowed. This is what the catalogue keeps for every key.
 *
 * <p>For a {@code .npy} file the type may be null and dim 0: the file's header says them.
 */
public record ArraySpec(String path, ElementType type, int valueSize, int dim, boolean writable) {
    public ArraySpec {
        if (type != null && valueSize <= 0 || dim < 0 || dim == 0 && !NpyHeader.isNpyPath(path)) {
            throw new IllegalArgumentException("value size and dim must be positive");
        }
        if (type == null && !NpyHeader.isNpyPath(path)) {
            throw new IllegalArgumentException("only a .npy file can name its own type");
        }
    }
}

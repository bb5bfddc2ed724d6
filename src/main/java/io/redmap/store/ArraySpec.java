package io.redmap.store;

import io.redmap.type.ElementType;

/**
 * What a key maps: the file (as the client named it), the element type and size, values per
 * row, and whether writes are allowed. This is what the catalogue keeps for every key.
 */
public record ArraySpec(String path, ElementType type, int valueSize, int dim, boolean writable) {
    public ArraySpec {
        if (valueSize <= 0 || dim <= 0) {
            throw new IllegalArgumentException("value size and dim must be positive");
        }
    }

    /** Same file, type and shape: MMAP of such a spec on an existing key is a no-op. */
    public boolean sameArray(ArraySpec other) {
        return path.equals(other.path) && type == other.type && valueSize == other.valueSize && dim == other.dim;
    }
}

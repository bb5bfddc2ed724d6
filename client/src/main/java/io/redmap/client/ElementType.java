package io.redmap.client;

import java.util.Locale;

/**
 * The element types of redmap, by the canonical names that {@code VTYPE} replies, with the bytes
 * of one value. Which Java array carries which type is {@link Primitive}'s business.
 */
public enum ElementType {
    INT8(1), UINT8(1), INT16(2), UINT16(2), INT32(4), UINT32(4), INT64(8), UINT64(8),
    FLOAT(4), DOUBLE(8), LONG_DOUBLE(16), FLOAT16(2), BFLOAT16(2),
    /** Fixed-size byte strings: the value size is the key's, {@code VSIZE} tells it. */
    STRING(0);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes of one value; 0 for {@link #STRING}, whose size each key chooses. */
    public int bytes() {
        return bytes;
    }

    /** The name as {@code VTYPE} replies it and {@code MMAP} takes it: {@code float}, {@code uint16}... */
    public String serverName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type {@code VTYPE} named; an unknown name (a newer server's type) is an error. */
    public static ElementType fromServerName(String name) {
        for (ElementType type : values()) {
            if (type.serverName().equals(name)) {
                return type;
            }
        }
        throw new RedmapTypeException("the server names a type this client does not know: " + name);
    }
}

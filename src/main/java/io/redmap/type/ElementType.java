package io.redmap.type;

import io.redmap.RedmapException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The element types, with their canonical names (as VTYPE replies them and the catalogue stores
 * them: never rename one), their aliases, and their codecs. Adding a type is one entry here and
 * its codec in {@link #newCodec} (the switch does not compile without it).
 */
public enum ElementType {
    INT8("int8", 1, "i1"),
    UINT8("uint8", 1, "u1"),
    INT16("int16", 2, "i2"),
    UINT16("uint16", 2, "u2"),
    INT32("int32", 4, "i4"),
    UINT32("uint32", 4, "u4"),
    INT64("int64", 8, "i8"),
    UINT64("uint64", 8, "u8"),
    FLOAT("float", 4, "float32", "f4"),
    DOUBLE("double", 8, "float64", "f8"),
    LONG_DOUBLE("long_double", 16, "longdouble", "float128", "f16"),
    STRING("string", 0, "str"),
    FLOAT16("float16", 2, "f2", "half"),
    BFLOAT16("bfloat16", 2, "bf16");

    private static final Map<String, ElementType> BY_NAME = new HashMap<>();

    static {
        for (ElementType type : values()) {
            BY_NAME.put(type.canonicalName, type);
            for (String alias : type.aliases) {
                BY_NAME.put(alias.toLowerCase(Locale.ROOT), type);
            }
        }
    }

    private final String canonicalName;
    private final int fixedSize;
    private final String[] aliases;
    /** The one codec every array of a fixed-size type shares (10,000 keys made 10,000 before). */
    private ElementCodec sharedCodec;

    ElementType(String canonicalName, int fixedSize, String... aliases) {
        this.canonicalName = canonicalName;
        this.fixedSize = fixedSize;
        this.aliases = aliases;
    }

    /** The name VTYPE replies and the catalogue stores. */
    public String canonicalName() {
        return canonicalName;
    }

    /** Bytes per value, or 0 for {@code string}, whose size is chosen at MMAP. */
    public int fixedSize() {
        return fixedSize;
    }

    public boolean hasFixedSize() {
        return fixedSize > 0;
    }

    /** The codec for values of {@code valueSize} bytes (the fixed size, or a string's size). */
    public ElementCodec codec(int valueSize) {
        if (valueSize != fixedSize) {
            return newCodec(valueSize);
        }
        ElementCodec codec = sharedCodec;
        if (codec == null) {
            codec = newCodec(valueSize);
            sharedCodec = codec; // codecs are immutable (final fields only): safe to share
        }
        return codec;
    }

    /**
     * A new codec for values of {@code valueSize} bytes. A switch rather than a lambda per
     * constant: with the Vector API module the JVM spins each lambda's class at start (the AOT
     * cache holds no linked ones, docs/operations.md), and this enum is first used by a start's load.
     */
    private ElementCodec newCodec(int valueSize) {
        return switch (this) {
            case INT8 -> new IntegerCodec(this, 1, true);
            case UINT8 -> new IntegerCodec(this, 1, false);
            case INT16 -> new IntegerCodec(this, 2, true);
            case UINT16 -> new IntegerCodec(this, 2, false);
            case INT32 -> new IntegerCodec(this, 4, true);
            case UINT32 -> new IntegerCodec(this, 4, false);
            case INT64 -> new IntegerCodec(this, 8, true);
            case UINT64 -> new UnsignedLongCodec();
            case FLOAT -> new FloatingCodec(this, FloatFormat.FLOAT, "<f4");
            case DOUBLE -> new FloatingCodec(this, FloatFormat.DOUBLE, "<f8");
            case LONG_DOUBLE -> new LongDoubleCodec();
            case STRING -> new StringCodec(valueSize);
            case FLOAT16 -> new FloatingCodec(this, FloatFormat.FLOAT16, "<f2");
            case BFLOAT16 -> new FloatingCodec(this, FloatFormat.BFLOAT16, null);
        };
    }

    /**
     * Finds a type by its canonical name or alias, case-insensitively, with numpy's optional
     * byte-order mark ({@code <f8}, {@code |u1}).
     *
     * @return the type, or null when no type has that name
     */
    public static ElementType find(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.length() > 1 && (key.charAt(0) == '<' || key.charAt(0) == '|')) {
            key = key.substring(1);
        }
        return BY_NAME.get(key);
    }

    /** Like {@link #find} but refuses an unknown name with the module's error text. */
    public static ElementType require(String name) {
        ElementType type = find(name);
        if (type == null) {
            throw RedmapException.err("value_type must be int8, uint8, int16, uint16, int32, uint32, int64, "
                    + "uint64, float, double, long_double, string, float16 or bfloat16");
        }
        return type;
    }
}

package io.redmap.type;

import io.redmap.RedmapException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The element types, with their canonical names (as VTYPE replies them and the catalogue stores
 * them: never rename one), their aliases, and their codecs. Adding a type is one entry here.
 */
public enum ElementType {
    INT8("int8", 1, (type, size) -> new IntegerCodec(type, 1, true), "i1"),
    UINT8("uint8", 1, (type, size) -> new IntegerCodec(type, 1, false), "u1"),
    INT16("int16", 2, (type, size) -> new IntegerCodec(type, 2, true), "i2"),
    UINT16("uint16", 2, (type, size) -> new IntegerCodec(type, 2, false), "u2"),
    INT32("int32", 4, (type, size) -> new IntegerCodec(type, 4, true), "i4"),
    UINT32("uint32", 4, (type, size) -> new IntegerCodec(type, 4, false), "u4"),
    INT64("int64", 8, (type, size) -> new IntegerCodec(type, 8, true), "i8"),
    UINT64("uint64", 8, (type, size) -> new UnsignedLongCodec(), "u8"),
    FLOAT("float", 4, (type, size) -> new FloatingCodec(type, FloatFormat.FLOAT, "<f4"), "float32", "f4"),
    DOUBLE("double", 8, (type, size) -> new FloatingCodec(type, FloatFormat.DOUBLE, "<f8"), "float64", "f8"),
    LONG_DOUBLE("long_double", 16, (type, size) -> new LongDoubleCodec(), "longdouble", "float128", "f16"),
    STRING("string", 0, (type, size) -> new StringCodec(size), "str"),
    FLOAT16("float16", 2, (type, size) -> new FloatingCodec(type, FloatFormat.FLOAT16, "<f2"), "f2", "half"),
    BFLOAT16("bfloat16", 2, (type, size) -> new FloatingCodec(type, FloatFormat.BFLOAT16, null), "bf16");

    /** Makes the codec of a type for a value size (only strings have a choice). */
    @FunctionalInterface
    private interface CodecFactory {
        ElementCodec create(ElementType type, int valueSize);
    }

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
    private final CodecFactory codecFactory;
    private final String[] aliases;
    /** The one codec every array of a fixed-size type shares (10,000 keys made 10,000 before). */
    private ElementCodec sharedCodec;

    ElementType(String canonicalName, int fixedSize, CodecFactory codecFactory, String... aliases) {
        this.canonicalName = canonicalName;
        this.fixedSize = fixedSize;
        this.codecFactory = codecFactory;
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
            return codecFactory.create(this, valueSize);
        }
        ElementCodec codec = sharedCodec;
        if (codec == null) {
            codec = codecFactory.create(this, valueSize);
            sharedCodec = codec; // codecs are immutable (final fields only): safe to share
        }
        return codec;
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

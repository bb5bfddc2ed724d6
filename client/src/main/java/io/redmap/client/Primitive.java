package io.redmap.client;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.IntFunction;

import static io.redmap.client.ElementType.BFLOAT16;
import static io.redmap.client.ElementType.DOUBLE;
import static io.redmap.client.ElementType.FLOAT;
import static io.redmap.client.ElementType.FLOAT16;
import static io.redmap.client.ElementType.INT16;
import static io.redmap.client.ElementType.INT32;
import static io.redmap.client.ElementType.INT64;
import static io.redmap.client.ElementType.INT8;
import static io.redmap.client.ElementType.UINT16;
import static io.redmap.client.ElementType.UINT32;
import static io.redmap.client.ElementType.UINT64;
import static io.redmap.client.ElementType.UINT8;

/**
 * A Java primitive array type ({@code float[]}, {@code long[]}...) and the element types it carries,
 * with the bulk copies between it and the wire's little-endian bytes. The copies are
 * {@link MemorySegment#copy} with a little-endian layout: one memory copy on a little-endian machine
 * (a byte swap on the way elsewhere), never a value-by-value decode.
 *
 * <p>Unsigned types travel in the signed array of their width with the same bits ({@code uint32}
 * in an {@code int[]}: read it with {@link Integer#toUnsignedLong}); {@code float16} and
 * {@code bfloat16} travel in a {@code short[]} as their bits ({@link Float#float16ToFloat}).
 *
 * @param <A> the array type, e.g. {@code float[]}
 */
public final class Primitive<A> {
    private static final ByteOrder WIRE_ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final Primitive<double[]> DOUBLES = new Primitive<>("double[]",
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(WIRE_ORDER), double[]::new, double[][]::new, EnumSet.of(DOUBLE));
    public static final Primitive<float[]> FLOATS = new Primitive<>("float[]",
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(WIRE_ORDER), float[]::new, float[][]::new, EnumSet.of(FLOAT));
    public static final Primitive<long[]> LONGS = new Primitive<>("long[]",
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(WIRE_ORDER), long[]::new, long[][]::new, EnumSet.of(INT64, UINT64));
    public static final Primitive<int[]> INTS = new Primitive<>("int[]",
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(WIRE_ORDER), int[]::new, int[][]::new, EnumSet.of(INT32, UINT32));
    public static final Primitive<short[]> SHORTS = new Primitive<>("short[]",
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(WIRE_ORDER), short[]::new, short[][]::new,
            EnumSet.of(INT16, UINT16, FLOAT16, BFLOAT16));
    public static final Primitive<byte[]> BYTES = new Primitive<>("byte[]",
            ValueLayout.JAVA_BYTE, byte[]::new, byte[][]::new, EnumSet.of(INT8, UINT8));

    private final String name;
    private final ValueLayout layout;
    private final IntFunction<A> allocate;
    private final IntFunction<A[]> allocateRows;
    private final Set<ElementType> carried;

    private Primitive(String name, ValueLayout layout, IntFunction<A> allocate, IntFunction<A[]> allocateRows,
            Set<ElementType> carried) {
        this.name = name;
        this.layout = layout;
        this.allocate = allocate;
        this.allocateRows = allocateRows;
        this.carried = Set.copyOf(carried);
    }

    /** The element types whose values this array holds. */
    public Set<ElementType> carries() {
        return carried;
    }

    /** Bytes of one value. */
    public int bytes() {
        return (int) layout.byteSize();
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Refuses, before anything is sent, an array for a key of a type it does not carry;
     * {@code action} says what was tried ("read key 'emb' into a double[]").
     */
    void requireCarries(String key, ArrayInfo info, String action) {
        if (!carried.contains(info.type())) {
            throw new RedmapTypeException("cannot " + action + ": the key '" + key + "' holds " + info.type().serverName()
                    + " values, a " + name + " carries " + names(carried));
        }
    }

    A allocate(long length, String what) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " has " + length + " values, more than a Java array holds; read it in parts");
        }
        return allocate.apply((int) length);
    }

    A[] allocateRows(int rows) {
        return allocateRows.apply(rows);
    }

    int length(A array) {
        return Array.getLength(array);
    }

    /** Copies {@code count} values from the wire bytes at {@code byteOffset} into {@code target} at {@code index}. */
    void decode(byte[] wire, long byteOffset, A target, int index, int count) {
        MemorySegment.copy(MemorySegment.ofArray(wire), layout, byteOffset, target, index, count);
    }

    /** Copies {@code count} values of {@code source} from {@code index} into the wire bytes at {@code byteOffset}. */
    void encode(A source, int index, byte[] wire, long byteOffset, int count) {
        MemorySegment.copy(source, index, MemorySegment.ofArray(wire), layout, byteOffset, count);
    }

    private static String names(Set<ElementType> types) {
        return String.join(" or ", EnumSet.copyOf(types).stream().map(ElementType::serverName).toList());
    }
}

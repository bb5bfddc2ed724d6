package io.redmap.client;

import redis.clients.jedis.UnifiedJedis;

/**
 * Typed Java arrays to and from redmap over Jedis: a {@link UnifiedJedis}, so a
 * {@code JedisPooled}, a {@code JedisSentineled} (follows Sentinel's failovers) or a
 * {@code JedisCluster} (routes each command by its key) alike.
 *
 * <pre>
 * try (JedisPooled jedis = new JedisPooled("127.0.0.1", 6379)) {
 *     RedmapClient redmap = new RedmapClient(jedis);
 *     redmap.mmap("emb", "emb.f4", ElementType.FLOAT, true, 768);
 *     redmap.floatRows().append("emb", embeddings);           // float[][]: rows of 768
 *     float[][] batch = redmap.floatRows().gather("emb", 3, 14, 15, 92);
 *     double[] prices = redmap.doubles().read("prices");
 * }
 * </pre>
 *
 * Values travel as their raw little-endian bytes (VREAD, VMREAD, VWRITE), decoded into the result
 * array by bulk copies. Large transfers go in chunks of at most {@code chunkBytes} (and of the
 * server's {@code proto-max-bulk-len}), each straight into its place in one preallocated array.
 * A client is as thread-safe as its {@code UnifiedJedis} (a pool: yes); it does not own it, and
 * closing the Jedis object is the caller's.
 */
public final class RedmapClient {
    /** Chunks of 16 MiB: far below the default proto-max-bulk-len (512 MB), and a bounded transient buffer. */
    public static final int DEFAULT_CHUNK_BYTES = 16 << 20;

    private final Access access;
    private final Values<double[]> doubles;
    private final Values<float[]> floats;
    private final Values<long[]> longs;
    private final Values<int[]> ints;
    private final Values<short[]> shorts;
    private final Values<byte[]> bytes;
    private final Rows<float[]> floatRows;
    private final Rows<double[]> doubleRows;

    public RedmapClient(UnifiedJedis jedis) {
        this(jedis, DEFAULT_CHUNK_BYTES);
    }

    /** A client whose requests and replies carry at most {@code chunkBytes} of array data each. */
    public RedmapClient(UnifiedJedis jedis, int chunkBytes) {
        this.access = new Access(new Wire(jedis), chunkBytes);
        this.doubles = values(Primitive.DOUBLES);
        this.floats = values(Primitive.FLOATS);
        this.longs = values(Primitive.LONGS);
        this.ints = values(Primitive.INTS);
        this.shorts = values(Primitive.SHORTS);
        this.bytes = values(Primitive.BYTES);
        this.floatRows = rows(Primitive.FLOATS);
        this.doubleRows = rows(Primitive.DOUBLES);
    }

    /** {@code double[]} of {@code double} keys. */
    public Values<double[]> doubles() {
        return doubles;
    }

    /** {@code float[]} of {@code float} (float32) keys. */
    public Values<float[]> floats() {
        return floats;
    }

    /** {@code long[]} of {@code int64} and {@code uint64} keys. */
    public Values<long[]> longs() {
        return longs;
    }

    /** {@code int[]} of {@code int32} and {@code uint32} keys. */
    public Values<int[]> ints() {
        return ints;
    }

    /** {@code short[]} of {@code int16}, {@code uint16}, and {@code float16}/{@code bfloat16} as bits. */
    public Values<short[]> shorts() {
        return shorts;
    }

    /** {@code byte[]} of {@code int8} and {@code uint8} keys. */
    public Values<byte[]> bytes() {
        return bytes;
    }

    /** Rows as {@code float[][]}. */
    public Rows<float[]> floatRows() {
        return floatRows;
    }

    /** Rows as {@code double[][]}. */
    public Rows<double[]> doubleRows() {
        return doubleRows;
    }

    /** Flat values of any of the {@link Primitive} array types. */
    public <A> Values<A> values(Primitive<A> primitive) {
        return new Values<>(primitive, access);
    }

    /** Rows of any of the {@link Primitive} array types ({@code long[][]}, {@code int[][]}...). */
    public <A> Rows<A> rows(Primitive<A> primitive) {
        return new Rows<>(primitive, access);
    }

    /**
     * {@code MMAP key path type [DIM n | SHAPE d1 d2 ...] [WRITABLE]}: maps a file; {@code rowShape}
     * is the shape of one row (none for an array of single values). Replies the count.
     */
    public long mmap(String key, String path, ElementType type, boolean writable, long... rowShape) {
        if (type == ElementType.STRING) {
            throw new IllegalArgumentException("string keys need a value size: map them with MMAP by name");
        }
        access.layouts.forget(key);
        return access.wire.mmap(key, path, type, writable, rowShape);
    }

    /** The key's element type and shape now ({@code VTYPE}, {@code VSHAPE}). */
    public ArrayInfo info(String key) {
        return access.layouts.fresh(key);
    }

    /** {@code VSHAPE key}: the shape now, first axis (the count) first. */
    public long[] shape(String key) {
        return access.wire.vshape(key);
    }

    /** {@code VTYPE key}. */
    public ElementType type(String key) {
        return access.wire.vtype(key);
    }

    /**
     * Forgets what this client remembers of the key's type and row shape: needed only after another
     * client maps the key again with another type of the same width (int32 for float).
     */
    public void forget(String key) {
        access.layouts.forget(key);
    }

    /** The Jedis object the commands go through. */
    public UnifiedJedis jedis() {
        return access.wire.jedis();
    }
}

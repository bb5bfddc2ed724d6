package io.redmap.client;

import io.redmap.client.testing.RedmapServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RedmapClient over a JedisPooled against a real server: every Java array type there and back,
 * rows, gathers, writes that overwrite and append; what the server holds is checked by its own
 * text replies (VGET, VMGET), not only by reading it back through the client.
 */
class RedmapClientTest {
    private static RedmapServer server;
    private static JedisPooled jedis;
    private static RedmapClient redmap;

    @BeforeAll
    static void start() {
        server = RedmapServer.start();
        jedis = new JedisPooled("127.0.0.1", server.port());
        redmap = new RedmapClient(jedis);
    }

    @AfterAll
    static void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void floatRowsAppendReadAndGather() {
        assertThat(redmap.mmap("emb", "emb.f4", ElementType.FLOAT, true, 4)).isZero();
        float[][] rows = {{0.1f, 0.2f, 0.3f, 0.4f}, {1, 2, 3, 4}, {-1.5f, 0, 1.5f, Float.MAX_VALUE}};
        assertThat(redmap.floatRows().append("emb", rows)).isEqualTo(3);

        assertThat(text("VGET", "emb", "2")).isEqualTo(List.of("-1.5", "0", "1.5", "3.4028235e+38"));
        assertThat(redmap.floatRows().read("emb")).isDeepEqualTo(rows);
        assertThat(redmap.floatRows().read("emb", 1, 2)).isDeepEqualTo(new float[][] {rows[1], rows[2]});
        assertThat(redmap.floatRows().gather("emb", 2, 0, 2)).isDeepEqualTo(new float[][] {rows[2], rows[0], rows[2]});
        assertThat(redmap.floatRows().gather("emb", new int[] {1})).isDeepEqualTo(new float[][] {rows[1]});
        // Flat: the rows' values one after the other.
        assertThat(redmap.floats().gather("emb", 1, 0)).containsExactly(1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f);
        assertThat(redmap.shape("emb")).containsExactly(3, 4);
        assertThat(redmap.info("emb")).isEqualTo(new ArrayInfo(ElementType.FLOAT, new long[] {3, 4}));
    }

    @Test
    void doubleRowsWriteOverwritesAndAppends() {
        redmap.mmap("d2", "d2.f8", ElementType.DOUBLE, true, 2);
        redmap.doubleRows().append("d2", new double[][] {{1, 2}, {3, 4}});
        // From the last row: overwrites one row and appends two, as VWRITE does.
        assertThat(redmap.doubleRows().write("d2", 1, new double[][] {{5, 6}, {7, 8}, {-0.0, Double.NaN}})).isEqualTo(3);
        assertThat(text("VMGET", "d2", "0", "1", "3")).isEqualTo(List.of(List.of("1", "2"), List.of("5", "6"),
                List.of("-0", "nan")));
        double[][] back = redmap.doubleRows().read("d2");
        assertThat(back).hasDimensions(4, 2);
        assertThat(Double.doubleToRawLongBits(back[3][0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(back[3][1]).isNaN();
        assertThat(redmap.doubles().read("d2", 1, 2)).containsExactly(5, 6, 7, 8);
    }

    @Test
    void everyJavaArrayTypeThereAndBack() {
        roundTrip(Primitive.DOUBLES, ElementType.DOUBLE, new double[] {Double.MIN_VALUE, -1e308, 0.1}, "-1e+308");
        roundTrip(Primitive.FLOATS, ElementType.FLOAT, new float[] {Float.MIN_VALUE, -3.5f, 1e-3f}, "-3.5");
        roundTrip(Primitive.LONGS, ElementType.INT64, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}, "-1");
        // Unsigned values travel with their bits: -1 is 2^64-1.
        roundTrip(Primitive.LONGS, ElementType.UINT64, new long[] {0, -1, 42}, "18446744073709551615");
        roundTrip(Primitive.INTS, ElementType.INT32, new int[] {Integer.MIN_VALUE, -7, Integer.MAX_VALUE}, "-7");
        roundTrip(Primitive.INTS, ElementType.UINT32, new int[] {1, -1, 2}, "4294967295");
        roundTrip(Primitive.SHORTS, ElementType.INT16, new short[] {Short.MIN_VALUE, -2, Short.MAX_VALUE}, "-2");
        roundTrip(Primitive.SHORTS, ElementType.UINT16, new short[] {3, -1, 4}, "65535");
        roundTrip(Primitive.SHORTS, ElementType.FLOAT16,
                new short[] {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2.25f), Float.floatToFloat16(65504)}, "-2.25");
        roundTrip(Primitive.BYTES, ElementType.INT8, new byte[] {-128, -3, 127}, "-3");
        roundTrip(Primitive.BYTES, ElementType.UINT8, new byte[] {-1, 9, 10}, "9");
    }

    /** Appends three values, checks the middle one's text on the server, reads, gathers and overwrites. */
    private static <A> void roundTrip(Primitive<A> primitive, ElementType type, A values, String middleAsText) {
        String key = "t:" + type.serverName();
        redmap.mmap(key, key.replace(':', '-') + ".bin", type, true);
        Values<A> view = redmap.values(primitive);
        assertThat(view.append(key, values)).as(key).isEqualTo(3);
        assertThat(String.valueOf(text("VGET", key, "1"))).as(key).isEqualTo(middleAsText);
        assertThat(view.read(key)).as(key).isEqualTo(values);
        A reversed = view.gather(key, 2, 1, 0);
        A twice = view.write(key, 0, reversed) == 3 ? view.read(key, 0, 3) : null;
        assertThat(view.gather(key, 2, 1, 0)).as(key).isEqualTo(values);
        assertThat(twice).as(key).isEqualTo(reversed);
    }

    @Test
    void rowsOfARankThreeKeyAreItsLastTwoAxesFlattened() {
        // Images of 2 x 3 pixels: MMAP ... SHAPE 2 3, a row of 6 values per image.
        assertThat(redmap.mmap("img", "img.i2", ElementType.INT16, true, 2, 3)).isZero();
        short[][] images = {{1, 2, 3, 4, 5, 6}, {-1, -2, -3, -4, -5, -6}};
        assertThat(redmap.rows(Primitive.SHORTS).append("img", images)).isEqualTo(2);
        assertThat(redmap.shape("img")).containsExactly(2, 2, 3);
        assertThat(redmap.info("img").rowShape()).containsExactly(2, 3);
        assertThat(text("VGET", "img", "1")).isEqualTo(List.of(-1L, -2L, -3L, -4L, -5L, -6L));
        assertThat(redmap.shorts().gather("img", 1, 0)).containsExactly(-1, -2, -3, -4, -5, -6, 1, 2, 3, 4, 5, 6);
        assertThat(redmap.rows(Primitive.SHORTS).read("img", 1, 1)).isDeepEqualTo(new short[][] {images[1]});
        assertThatThrownBy(() -> redmap.rows(Primitive.SHORTS).append("img", new short[][] {{1, 2, 3}}))
                .isInstanceOf(RedmapTypeException.class)
                .hasMessage("row 0 has 3 values, but the rows of 'img' have 6 (shape int16[2, 2, 3]); nothing was written");
    }

    @Test
    void aWrongJavaTypeIsRefusedBeforeAnythingIsSent() {
        redmap.mmap("prices", "prices.f8", ElementType.DOUBLE, true);
        redmap.doubles().append("prices", new double[] {1.5, 2.5});
        long writes = server.calls("vwrite");
        long reads = server.calls("vread") + server.calls("vmread");

        assertThatThrownBy(() -> redmap.floats().write("prices", 0, new float[] {1, 2, 3, 4}))
                .isInstanceOf(RedmapTypeException.class)
                .hasMessage("cannot write a float[] to 'prices': the key 'prices' holds double values, a float[] carries float");
        assertThatThrownBy(() -> redmap.longs().append("prices", new long[] {1}))
                .isInstanceOf(RedmapTypeException.class).hasMessageContaining("a long[] carries int64 or uint64");
        assertThatThrownBy(() -> redmap.floats().read("prices", 0, 2)).isInstanceOf(RedmapTypeException.class)
                .hasMessage("cannot read 'prices' into a float[]: the key 'prices' holds double values, a float[] carries float");
        assertThatThrownBy(() -> redmap.floatRows().gather("prices", 0)).isInstanceOf(RedmapTypeException.class);

        assertThat(server.calls("vwrite")).isEqualTo(writes);
        assertThat(server.calls("vread") + server.calls("vmread")).isEqualTo(reads);
        assertThat(text("VRANGE", "prices", "0", "-1")).isEqualTo(List.of("1.5", "2.5"));
    }

    @Test
    void aRowOfTheWrongLengthRefusesTheWholeWrite() {
        redmap.mmap("vec", "vec.f4", ElementType.FLOAT, true, 3);
        redmap.floatRows().append("vec", new float[][] {{1, 2, 3}});
        long writes = server.calls("vwrite");

        assertThatThrownBy(() -> redmap.floatRows().append("vec", new float[][] {{4, 5, 6}, {7, 8}}))
                .isInstanceOf(RedmapTypeException.class)
                .hasMessage("row 1 has 2 values, but the rows of 'vec' have 3 (shape float[1, 3]); nothing was written");
        assertThatThrownBy(() -> redmap.floats().write("vec", 0, new float[] {1, 2, 3, 4}))
                .isInstanceOf(RedmapTypeException.class)
                .hasMessage("4 values are not whole rows of 'vec', whose rows have 3 values (shape float[1, 3])");

        assertThat(server.calls("vwrite")).isEqualTo(writes);
        assertThat(text("VCOUNT", "vec")).isEqualTo(1L);
    }

    @Test
    void theServersErrorsComeWithItsText() {
        redmap.mmap("few", "few.i4", ElementType.INT32, true);
        redmap.ints().append("few", new int[] {1, 2, 3});
        assertThatThrownBy(() -> redmap.ints().gather("few", 0, 3)).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().gather("few", -1)).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().read("few", 2, 2)).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().read("few", -1, 1)).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().read("few", 0, -1)).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().write("few", 4, new int[] {9})).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().write("few", -1, new int[] {9})).hasMessage("ERR index exceeds size");
        assertThatThrownBy(() -> redmap.ints().read("nothing-here")).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR You must do MMAP first");
        assertThatThrownBy(() -> redmap.ints().gather("nothing-here", 0)).hasMessage("ERR You must do MMAP first");
        assertThat(text("VRANGE", "few", "0", "-1")).isEqualTo(List.of(1L, 2L, 3L));

        redmap.mmap("ro", "few.i4", ElementType.INT32, false);
        assertThat(redmap.ints().read("ro")).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> redmap.ints().append("ro", new int[] {4})).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR The file is not writable");
    }

    @Test
    void anEmptyGatherSendsNothingAndAnEmptyReadChecksItsStart() {
        redmap.mmap("e", "e.f8", ElementType.DOUBLE, true);
        long gathers = server.calls("vmread");
        assertThat(redmap.doubles().gather("e")).isEmpty();
        assertThat(redmap.doubleRows().gather("e")).isEmpty();
        assertThat(server.calls("vmread")).isEqualTo(gathers);
        assertThat(redmap.doubles().read("e")).isEmpty();
        assertThatThrownBy(() -> redmap.doubles().read("e", 1, 0)).hasMessage("ERR index exceeds size");
    }

    @Test
    void aKeyMappedAgainWithOtherRowsIsReadWithItsNewRows() {
        redmap.mmap("moving", "moving-4.f4", ElementType.FLOAT, true, 4);
        redmap.floats().append("moving", new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(redmap.floatRows().gather("moving", 1)).isDeepEqualTo(new float[][] {{5, 6, 7, 8}});
        // Another client maps the key again with rows of 2: this client's remembered rows are stale.
        try (Jedis other = server.jedis()) {
            other.del("moving");
            other.sendCommand(() -> SafeEncoder.encode("MMAP"), "moving", "moving-4.f4", "float", "DIM", "2");
        }
        assertThat(redmap.floatRows().gather("moving", 1)).isDeepEqualTo(new float[][] {{3, 4}});
        assertThat(redmap.floatRows().read("moving", 3, 1)).isDeepEqualTo(new float[][] {{7, 8}});
    }

    /** A command's reply with bulk strings as Strings (Long integers, nested lists). */
    static Object text(String command, String... args) {
        return SafeEncoder.encodeObject(jedis.sendCommand(() -> SafeEncoder.encode(command), args));
    }
}

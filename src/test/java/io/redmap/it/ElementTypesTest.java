package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.redmap.it.ArrayClient.f4;
import static io.redmap.it.ArrayClient.f8;
import static io.redmap.it.ArrayClient.fileBytes;
import static io.redmap.it.ArrayClient.le;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every element type (and numpy-style aliases) round-tripped at its limits through Jedis, with the
 * file's bytes checked against the little-endian encoding. A new type is one more row in {@link #types}.
 */
class ElementTypesTest {
    private static final String INTEGER = "ERR value must be integer";

    /** One accepted value: what is sent, what VGET replies through Jedis (Long or String), the bytes stored. */
    record Ok(String input, Object reply, byte[] bytes) {
    }

    /** One refused value and its error line. */
    record Bad(String input, String error) {
    }

    /** A type as named in MMAP, the name VTYPE replies, value_size (0: none given), bytes per value. */
    record Row(String name, String canonical, int valueSize, int size, List<Ok> accepted, List<Bad> rejected) {
        Row as(String alias) {
            return new Row(alias, canonical, valueSize, size, accepted, rejected);
        }

        @Override
        public String toString() {
            return valueSize == 0 ? name : name + " " + valueSize;
        }
    }

    static List<Row> types() {
        Row int8 = integer("int8", 1, -128, 127);
        Row uint8 = integer("uint8", 1, 0, 255);
        Row int16 = integer("int16", 2, -32768, 32767);
        Row uint16 = integer("uint16", 2, 0, 65535);
        Row int32 = integer("int32", 4, Integer.MIN_VALUE, Integer.MAX_VALUE);
        Row uint32 = integer("uint32", 4, 0, 4294967295L);
        Row int64 = row("int64", 8,
                List.of(ok("-9223372036854775808", Long.MIN_VALUE, le(8, Long.MIN_VALUE)),
                        ok("9223372036854775807", Long.MAX_VALUE, le(8, Long.MAX_VALUE)), ok("0", 0L, le(8, 0))),
                List.of(bad("-9223372036854775809", INTEGER), bad("9223372036854775808", INTEGER),
                        bad("abc", INTEGER), bad("1.5", INTEGER)));
        Row uint64 = row("uint64", 8,
                List.of(ok("0", 0L, le(8, 0)), ok("9223372036854775807", Long.MAX_VALUE, le(8, Long.MAX_VALUE)),
                        ok("9223372036854775808", "9223372036854775808", le(8, Long.MIN_VALUE)),
                        ok("18446744073709551615", "18446744073709551615", le(8, -1))),
                List.of(bad("-1", "ERR value must be uint64"), bad("18446744073709551616", "ERR value must be uint64"),
                        bad("abc", INTEGER), bad("1.0", INTEGER)));
        Row float32 = row("float", 4,
                List.of(ok("3.4028235e38", "3.4028235e+38", f4(Float.MAX_VALUE)),
                        ok("-3.4028235e38", "-3.4028235e+38", f4(-Float.MAX_VALUE)),
                        ok("1.4e-45", "1.4e-45", f4(Float.MIN_VALUE)), ok("0.1", "0.1", f4(0.1f)),
                        ok("nan", "nan", f4(Float.NaN)), ok("inf", "inf", f4(Float.POSITIVE_INFINITY)),
                        ok("-inf", "-inf", f4(Float.NEGATIVE_INFINITY)), ok("-0.0", "-0", f4(-0.0f))),
                badFloats("float", "3.4028236e38", "-3.4028236e38", "1e39", "abc", "", "1e"));
        Row float64 = row("double", 8,
                List.of(ok("1.7976931348623157e308", "1.7976931348623157e+308", f8(Double.MAX_VALUE)),
                        ok("-1.7976931348623157e308", "-1.7976931348623157e+308", f8(-Double.MAX_VALUE)),
                        ok("4.9e-324", "4.9e-324", f8(Double.MIN_VALUE)), ok("0.1", "0.1", f8(0.1)),
                        ok("1e22", "1e+22", f8(1e22)), ok("nan", "nan", f8(Double.NaN)),
                        ok("inf", "inf", f8(Double.POSITIVE_INFINITY)),
                        ok("-inf", "-inf", f8(Double.NEGATIVE_INFINITY)), ok("-0.0", "-0", f8(-0.0))),
                badFloats("double", "1.7976931348623159e308", "-1.7976931348623159e308", "1e309", "abc", "0x10"));
        long one = 0x8000_0000_0000_0000L;
        Row longDouble = row("long_double", 16,
                List.of(ok("1.18973149535723176502e4932", "1.189731495357231765e+4932", ld(-1L, 0x7FFE)),
                        ok("-1.18973149535723176502e4932", "-1.189731495357231765e+4932", ld(-1L, 0xFFFE)),
                        ok("4e-4951", "4e-4951", ld(1, 0)), ok("1", "1", ld(one, 0x3FFF)),
                        ok("0.1", "0.1", ld(0xCCCC_CCCC_CCCC_CCCDL, 0x3FFB)),
                        ok("nan", "nan", ld(0xC000_0000_0000_0000L, 0x7FFF)), ok("inf", "inf", ld(one, 0x7FFF)),
                        ok("-inf", "-inf", ld(one, 0xFFFF)), ok("-0.0", "-0", ld(0, 0x8000))),
                badFloats("long double", "1.2e4932", "-1.2e4932", "abc"));
        Row string = new Row("string", "string", 8, 8,
                List.of(ok("", "", text(8, "")), ok("abcdefgh", "abcdefgh", text(8, "abcdefgh")),
                        ok("héllo", "héllo", text(8, "héllo"))),
                List.of(bad("abcdefghi", "ERR value is too long"), bad("ééééé", "ERR value is too long")));
        Row oneByteString = new Row("string", "string", 1, 1, List.of(ok("x", "x", text(1, "x")), ok("", "", text(1, ""))),
                List.of(bad("xy", "ERR value is too long")));
        Row float16 = row("float16", 2,
                List.of(ok("65504", "65500", le(2, 0x7BFF)), ok("-65504", "-65500", le(2, 0xFBFF)),
                        ok("65519", "65500", le(2, 0x7BFF)), ok("6e-08", "6e-08", le(2, 0x0001)),
                        ok("0.1", "0.1", le(2, 0x2E66)), ok("1", "1", le(2, 0x3C00)), ok("nan", "nan", le(2, 0x7E00)),
                        ok("inf", "inf", le(2, 0x7C00)), ok("-inf", "-inf", le(2, 0xFC00)),
                        ok("-0.0", "-0", le(2, 0x8000))),
                badFloats("float16", "65520", "-65520", "1e5", "abc"));
        Row bfloat16 = row("bfloat16", 2,
                List.of(ok("3.3895314e38", "3.39e+38", le(2, 0x7F7F)), ok("-3.39e38", "-3.39e+38", le(2, 0xFF7F)),
                        ok("9.2e-41", "9e-41", le(2, 0x0001)), ok("0.1", "0.1", le(2, 0x3DCD)),
                        ok("1", "1", le(2, 0x3F80)), ok("nan", "nan", le(2, 0x7FC0)), ok("inf", "inf", le(2, 0x7F80)),
                        ok("-inf", "-inf", le(2, 0xFF80)), ok("-0.0", "-0", le(2, 0x8000))),
                badFloats("bfloat16", "3.4e38", "-3.4e38", "abc"));
        return List.of(int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64, longDouble,
                string, oneByteString, float16, bfloat16,
                int8.as("i1"), int8.as("INT8"), uint8.as("u1"), uint8.as("|u1"), int16.as("i2"), uint16.as("<u2"),
                int32.as("<i4"), uint32.as("u4"), int64.as("i8"), uint64.as("<u8"), float32.as("f4"),
                float32.as("<f4"), float32.as("float32"), float64.as("f8"), float64.as("<f8"), float64.as("float64"),
                float16.as("f2"), float16.as("<f2"), bfloat16.as("bf16"), string.as("str"));
    }

    private static TestServer server;
    private static ArrayClient redis;
    private static int files;
    private Path file;
    private String key;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
        redis = new ArrayClient(server.jedis());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newFile() {
        files++;
        key = "k" + files;
        file = server.path("values" + files + ".bin");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void acceptedValuesRoundTripThroughTheFile(Row row) {
        mmap(row);
        assertThat(redis.call("VTYPE", key)).isEqualTo(row.canonical());
        assertThat(redis.call("VSIZE", key)).isEqualTo((long) row.size());

        assertThat(redis.call("VADD", args(inputs(row.accepted())))).isEqualTo((long) row.accepted().size());

        List<Object> replies = row.accepted().stream().map(Ok::reply).toList();
        assertThat(redis.call("VALL", key)).isEqualTo(replies);
        for (int i = 0; i < replies.size(); i++) {
            assertThat(redis.call("VGET", key, i)).as("VGET %s", i).isEqualTo(replies.get(i));
        }
        assertThat(fileBytes(file)).isEqualTo(concat(row.accepted()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void vsetWritesEachValueAtItsIndex(Row row) {
        mmap(row);
        List<Ok> values = row.accepted();
        redis.call("VADD", args(inputs(values)));
        List<Ok> reversed = values.reversed();

        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < reversed.size(); i++) {
            pairs.add(String.valueOf(i));
            pairs.add(reversed.get(i).input());
        }
        assertThat(redis.call("VSET", args(pairs))).isEqualTo((long) values.size());

        assertThat(fileBytes(file)).isEqualTo(concat(reversed));
        assertThat(redis.call("VALL", key)).isEqualTo(reversed.stream().map(Ok::reply).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void everyReplyReadsBackToTheSameBytes(Row row) {
        mmap(row);
        redis.call("VADD", args(inputs(row.accepted())));
        byte[] stored = fileBytes(file);

        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < row.accepted().size(); i++) {
            pairs.add(String.valueOf(i));
            pairs.add(String.valueOf(redis.call("VGET", key, i)));
        }
        redis.call("VSET", args(pairs));

        assertThat(fileBytes(file)).isEqualTo(stored);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void valuesOutsideTheTypeAreRefusedAndChangeNothing(Row row) {
        mmap(row);
        Ok first = row.accepted().getFirst();
        redis.call("VADD", key, first.input());
        byte[] before = fileBytes(file);

        for (Bad bad : row.rejected()) {
            assertThat(redis.error("VADD", key, first.input(), bad.input())).as("VADD %s", bad.input())
                    .isEqualTo(bad.error());
            assertThat(redis.error("VSET", key, 0, first.input(), 0, bad.input())).as("VSET %s", bad.input())
                    .isEqualTo(bad.error());
        }

        assertThat(fileBytes(file)).isEqualTo(before);
        assertThat(redis.call("VCOUNT", key)).isEqualTo(1L);
    }

    private void mmap(Row row) {
        String path = file.getFileName().toString();
        Object reply = row.valueSize() == 0
                ? redis.call("MMAP", key, path, row.name(), "WRITABLE")
                : redis.call("MMAP", key, path, row.name(), row.valueSize(), "WRITABLE");
        assertThat(reply).isEqualTo(0L);
    }

    /** The key followed by the given words, as VADD and VSET take them. */
    private Object[] args(List<String> words) {
        return Stream.concat(Stream.of(key), words.stream()).toArray();
    }

    private static List<String> inputs(List<Ok> values) {
        return values.stream().map(Ok::input).toList();
    }

    private static byte[] concat(List<Ok> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        values.forEach(value -> out.writeBytes(value.bytes()));
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- building rows

    private static Row row(String type, int size, List<Ok> accepted, List<Bad> rejected) {
        return new Row(type, type, 0, size, accepted, rejected);
    }

    /** An integer type of {@code size} bytes: min and max accepted, min-1 and max+1 refused. */
    private static Row integer(String type, int size, long min, long max) {
        String range = "ERR value must be " + type;
        return row(type, size,
                List.of(ok(String.valueOf(min), min, le(size, min)), ok(String.valueOf(max), max, le(size, max)),
                        ok("0", 0L, le(size, 0))),
                List.of(bad(String.valueOf(min - 1), range), bad(String.valueOf(max + 1), range),
                        bad("abc", INTEGER), bad("1.5", INTEGER), bad("", INTEGER)));
    }

    private static List<Bad> badFloats(String typeText, String... inputs) {
        return Arrays.stream(inputs).map(input -> bad(input, "ERR value must be " + typeText)).toList();
    }

    private static Ok ok(String input, Object reply, byte[] bytes) {
        return new Ok(input, reply, bytes);
    }

    private static Bad bad(String input, String error) {
        return new Bad(input, error);
    }

    /** An x87 80-bit value as gcc stores a long double: significand, sign and exponent, 6 zero bytes. */
    private static byte[] ld(long significand, int signAndExponent) {
        byte[] bytes = Arrays.copyOf(le(8, significand), 16);
        System.arraycopy(le(2, signAndExponent), 0, bytes, 8, 2);
        return bytes;
    }

    /** A string value's bytes: UTF-8, zero-padded to the value size. */
    private static byte[] text(int size, String value) {
        return Arrays.copyOf(value.getBytes(StandardCharsets.UTF_8), size);
    }
}

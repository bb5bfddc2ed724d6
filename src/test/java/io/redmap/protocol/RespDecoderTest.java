package io.redmap.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RespDecoder in an EmbeddedChannel: whole, byte by byte, split anywhere, inline, malformed. */
class RespDecoderTest {
    private static final String SET = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";

    // ---- multibulk ---------------------------------------------------------------------------

    @Test
    void decodesAMultibulkRequestFedWhole() {
        assertThat(decodeWhole(SET)).containsExactly(words("SET", "key", "value"));
    }

    @Test
    void decodesAMultibulkRequestFedByteByByte() {
        EmbeddedChannel channel = channel();
        byte[] bytes = ascii(SET);
        for (int i = 0; i < bytes.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
            assertThat((Object) channel.readInbound()).as("nothing before byte %d", i).isNull();
        }
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, bytes.length - 1, 1));
        assertThat(drain(channel)).containsExactly((Object) words("SET", "key", "value"));
    }

    @Test
    void decodesARequestSplitAtEveryPosition() {
        byte[] bytes = ascii(SET + "*1\r\n$4\r\nPING\r\n");
        for (int cut = 0; cut <= bytes.length; cut++) {
            EmbeddedChannel channel = channel();
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
            assertThat(drain(channel)).as("split at %d", cut)
                    .containsExactly(words("SET", "key", "value"), words("PING"));
        }
    }

    @Test
    void decodesPipelinedRequestsAndBinaryArguments() {
        byte[] binary = {0, '\r', '\n', (byte) 0xff, '$'};
        byte[] request = concat(ascii("*2\r\n$4\r\nECHO\r\n$5\r\n"), binary, ascii("\r\n*1\r\n$0\r\n\r\n"));
        List<Object> decoded = decode(request);
        assertThat(decoded).hasSize(2);
        assertThat((byte[][]) decoded.get(0)).isDeepEqualTo(new byte[][] {ascii("ECHO"), binary});
        assertThat((byte[][]) decoded.get(1)).isDeepEqualTo(new byte[][] {new byte[0]});
    }

    @Test
    void skipsEmptyAndNullMultibulks() {
        assertThat(decodeWhole("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n*0\r\n")).containsExactly(words("PING"));
        assertThat(decodeWhole("*0\r\n")).isEmpty();
    }

    // ---- inline ------------------------------------------------------------------------------

    @Test
    void splitsInlineCommandsOnWhitespace() {
        assertThat(decodeWhole("PING\r\n")).containsExactly(words("PING"));
        assertThat(decodeWhole("  VGET \t k   0  \r\n")).containsExactly(words("VGET", "k", "0"));
        assertThat(decodeWhole("PING\nECHO x\n")).containsExactly(words("PING"), words("ECHO", "x"));
    }

    @Test
    void skipsEmptyInlineLines() {
        assertThat(decodeWhole("\r\n   \r\n\nPING\r\n")).containsExactly(words("PING"));
    }

    @Test
    void inlineDoubleQuotesUnderstandEscapes() {
        assertThat(decodeWhole("SET \"hello world\" \"a\\nb\\r\\t\\\\\\\"\" \"\\x41\\x7a\" \"\\xZZ\"\r\n"))
                .containsExactly(words("SET", "hello world", "a\nb\r\t\\\"", "Az", "xZZ"));
        assertThat(decodeWhole("ECHO \"\\x00\\xff\"\r\n").getFirst()[1]).containsExactly(0, 0xff);
        assertThat(decodeWhole("ECHO \"\"\r\n")).containsExactly(words("ECHO", ""));
    }

    @Test
    void inlineSingleQuotesAreLiteralExceptForEscapedQuote() {
        assertThat(decodeWhole("ECHO 'it\\'s' 'a\\nb' 'x y'\r\n"))
                .containsExactly(words("ECHO", "it's", "a\\nb", "x y"));
    }

    @Test
    void inlineCommandSplitAtEveryPosition() {
        byte[] bytes = ascii("ECHO \"a b\"\r\nPING\r\n");
        for (int cut = 0; cut <= bytes.length; cut++) {
            EmbeddedChannel channel = channel();
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
            assertThat(drain(channel)).as("split at %d", cut).containsExactly(words("ECHO", "a b"), words("PING"));
        }
    }

    // ---- malformed input ---------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "*abc\\r\\n                               | invalid multibulk length",
            "*\\r\\n                                  | invalid multibulk length",
            "*2000000\\r\\n                           | invalid multibulk length",
            "*1\\r\\n$-5\\r\\n                        | invalid bulk length",
            "*1\\r\\n$x\\r\\n                         | invalid bulk length",
            "*01\\r\\n$4\\r\\nPING\\r\\n              | invalid multibulk length",
            "*1\\r\\n$04\\r\\nPING\\r\\n              | invalid bulk length",
            "*1\\r\\n$4\\nPING\\r\\n                 | invalid bulk length",
            "*1\\r\\n$2000000000\\r\\n                | invalid bulk length",
            "*1\\r\\nx\\r\\n                          | expected '$', got 'x'",
            "*2\\r\\n$4\\r\\nECHO\\r\\n:1\\r\\n       | expected '$', got ':'",
            "ECHO \"unbalanced\\r\\n                  | unbalanced quotes in request",
            "ECHO 'unbalanced\\r\\n                   | unbalanced quotes in request",
            "ECHO \"closed\"glued\\r\\n               | unbalanced quotes in request",
    })
    void malformedInputIsAProtocolErrorWithRedisText(String input, String detail) {
        byte[] bytes = ascii(input.strip().replace("\\r", "\r").replace("\\n", "\n"));
        assertThat(protocolError(decode(bytes))).isEqualTo("Protocol error: " + detail);
        // The same error whichever way the bytes arrive.
        assertThat(protocolError(decodeByteByByte(bytes))).isEqualTo("Protocol error: " + detail);
    }

    @Test
    void overLongInlineLineIsTooBig() {
        byte[] line = new byte[DecoderLimits.DEFAULT.maxInlineLength() + 10];
        Arrays.fill(line, (byte) 'a');
        assertThat(protocolError(decode(line))).isEqualTo("Protocol error: too big inline request");
    }

    @Test
    void overLongLengthLinesAreTooBig() {
        String digits = "1".repeat(DecoderLimits.DEFAULT.maxInlineLength() + 10);
        assertThat(protocolError(decode(ascii("*" + digits)))).isEqualTo("Protocol error: too big mbulk count string");
        assertThat(protocolError(decode(ascii("*1\r\n$" + digits)))).isEqualTo("Protocol error: too big bulk count string");
    }

    @Test
    void limitsComeFromTheSupplierAtDecodeTime() {
        DecoderLimits tight = new DecoderLimits(4, 2, 16);
        assertThat(protocolError(decode(channel(tight), ascii("*1\r\n$5\r\nhello\r\n"))))
                .isEqualTo("Protocol error: invalid bulk length");
        assertThat(protocolError(decode(channel(tight), ascii("*3\r\n"))))
                .isEqualTo("Protocol error: invalid multibulk length");
        assertThat(protocolError(decode(channel(tight), ascii("PING " + "x".repeat(20)))))
                .isEqualTo("Protocol error: too big inline request");
        assertThat(decode(channel(tight), ascii("*2\r\n$4\r\nECHO\r\n$4\r\nfour\r\n"))).hasSize(1);
    }

    @Test
    void bytesAfterAProtocolErrorAreIgnored() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("*1\r\n$4\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n")));
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("*1\r\n$4\r\nPING\r\n")));
        List<Object> decoded = drain(channel);
        assertThat(decoded).hasSize(2);
        assertThat((byte[][]) decoded.get(0)).isDeepEqualTo(words("PING"));
        assertThat(decoded.get(1)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void largeArgumentsAreCopiedOutAsTheyArriveNotHeldInTheBuffer() {
        byte[] large = new byte[3 << 20];
        new java.util.Random(7).nextBytes(large);
        List<byte[]> few = List.of(ascii("VWRITE"), ascii("k"), ascii("0"), large);
        List<byte[]> many = new ArrayList<>(few);
        for (int i = 0; i < 20; i++) {
            many.add(ascii("w" + i));
        }
        many.add(large);
        for (List<byte[]> arguments : List.of(few, many)) {
            byte[] request = encode(arguments);
            EmbeddedChannel channel = channel();
            RespDecoder decoder = channel.pipeline().get(RespDecoder.class);
            int slice = 64 << 10;
            for (int at = 0; at < request.length; at += slice) {
                channel.writeInbound(Unpooled.wrappedBuffer(request, at, Math.min(slice, request.length - at)));
                assertThat(decoder.unparsedBytes()).as("bytes held after %d", at).isLessThanOrEqualTo(64);
            }
            List<Object> decoded = drain(channel);
            assertThat(decoded).hasSize(1);
            assertThat((byte[][]) decoded.getFirst()).isDeepEqualTo(arguments.toArray(byte[][]::new));
        }
    }

    // ---- property ----------------------------------------------------------------------------

    @Property(tries = 300)
    void randomArgumentsInRandomChunksDecodeToThemselves(@ForAll("arguments") List<byte[]> arguments,
                                                         @ForAll("chunkSizes") List<Integer> chunkSizes) {
        byte[] request = encode(arguments);
        EmbeddedChannel channel = channel();
        int at = 0;
        for (int i = 0; at < request.length; i++) {
            int size = Math.min(chunkSizes.get(i % chunkSizes.size()), request.length - at);
            channel.writeInbound(Unpooled.wrappedBuffer(request, at, size));
            at += size;
        }
        List<Object> decoded = drain(channel);
        assertThat(decoded).hasSize(1);
        assertThat((byte[][]) decoded.getFirst()).isDeepEqualTo(arguments.toArray(byte[][]::new));
    }

    /**
     * A pipeline fed whole goes through the fast path; fed a byte at a time, only through the state
     * machine. Both must give the same requests and the same error, however the bytes are mangled.
     */
    @Property(tries = 2000)
    void wholeAndByteByByteDecodeAlikeEvenWhenMangled(@ForAll("pipelines") List<List<byte[]>> pipeline,
                                                      @ForAll("mangles") List<Integer> mangles) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pipeline.forEach(request -> out.writeBytes(encode(request)));
        byte[] bytes = out.toByteArray();
        // Each mangle overwrites one byte with one of the characters the grammar turns on.
        byte[] alphabet = ascii("*$0123456789\r\n-x ");
        for (int i = 0; i + 1 < mangles.size() && bytes.length > 0; i += 2) {
            bytes[Math.floorMod(mangles.get(i), bytes.length)] = alphabet[Math.floorMod(mangles.get(i + 1), alphabet.length)];
        }
        assertThat(summary(decode(bytes))).isEqualTo(summary(decodeByteByByte(bytes)));
    }

    @Provide
    Arbitrary<List<List<byte[]>>> pipelines() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(20).list().ofMinSize(1).ofMaxSize(5)
                .list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Integer>> mangles() {
        return Arbitraries.integers().list().ofMaxSize(12);
    }

    /** Requests as text and errors by message, for comparing two decodings. */
    private static List<String> summary(List<Object> decoded) {
        return decoded.stream().map(message -> message instanceof byte[][] request
                ? Arrays.deepToString(request) : "error: " + ((ProtocolException) message).getMessage()).toList();
    }

    /** Requests of more than PACK_THRESHOLD words are kept packed: the same words must come out. */
    @Property(tries = 30)
    void requestsOfThousandsOfWordsDecodeToThemselves(@ForAll("manyArguments") List<byte[]> arguments,
                                                      @ForAll("chunkSizes") List<Integer> chunkSizes) {
        assertThat(arguments.size()).isGreaterThan(RespDecoder.PACK_THRESHOLD);
        byte[] request = encode(arguments);
        byte[][] expected = arguments.toArray(byte[][]::new);
        assertThat(decode(request)).singleElement().isInstanceOf(byte[][].class)
                .satisfies(words -> assertThat((byte[][]) words).isDeepEqualTo(expected));
        EmbeddedChannel channel = channel();
        int at = 0;
        for (int i = 0; at < request.length; i++) {
            int size = Math.min(chunkSizes.get(i % chunkSizes.size()) * 97, request.length - at);
            channel.writeInbound(Unpooled.wrappedBuffer(request, at, size));
            at += size;
        }
        assertThat(drain(channel)).singleElement().satisfies(words -> assertThat((byte[][]) words).isDeepEqualTo(expected));
    }

    @Provide
    Arbitrary<List<byte[]>> manyArguments() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).list()
                .ofMinSize(1_025).ofMaxSize(3_072);
    }

    @Provide
    Arbitrary<List<byte[]>> arguments() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(10);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static EmbeddedChannel channel() {
        return channel(DecoderLimits.DEFAULT);
    }

    private static EmbeddedChannel channel(DecoderLimits limits) {
        return new EmbeddedChannel(new RespDecoder(() -> limits));
    }

    private static List<Object> decode(byte[] bytes) {
        return decode(channel(), bytes);
    }

    private static List<Object> decode(EmbeddedChannel channel, byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        return drain(channel);
    }

    private static List<Object> decodeByteByByte(byte[] bytes) {
        EmbeddedChannel channel = channel();
        for (int i = 0; i < bytes.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
        }
        return drain(channel);
    }

    /** Decodes text fed in one piece, expecting only well-formed requests. */
    private static List<byte[][]> decodeWhole(String text) {
        List<byte[][]> requests = new ArrayList<>();
        for (Object message : decode(ascii(text))) {
            assertThat(message).isInstanceOf(byte[][].class);
            requests.add((byte[][]) message);
        }
        return requests;
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add(message instanceof Request request ? words(request) : message);
        }
        return messages;
    }

    /** The message of the single ProtocolException decoded. */
    private static String protocolError(List<Object> decoded) {
        assertThat(decoded).hasSize(1);
        assertThat(decoded.getFirst()).isInstanceOf(ProtocolException.class);
        return ((ProtocolException) decoded.getFirst()).getMessage();
    }

    /** A request's words as arrays, for comparing with AssertJ. */
    private static byte[][] words(Request request) {
        byte[][] words = new byte[request.size()][];
        for (int i = 0; i < words.length; i++) {
            words[i] = request.word(i);
        }
        return words;
    }

    private static byte[][] words(String... words) {
        return Arrays.stream(words).map(RespDecoderTest::ascii).toArray(byte[][]::new);
    }

    private static byte[] encode(List<byte[]> arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("*" + arguments.size() + "\r\n"));
        for (byte[] argument : arguments) {
            out.writeBytes(ascii("$" + argument.length + "\r\n"));
            out.writeBytes(argument);
            out.writeBytes(ascii("\r\n"));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}

package io.redmap.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden bytes: the same Reply calls in RESP2 and in RESP3. */
class ReplyTest {

    @Test
    void nil() {
        assertWire(Reply::nil, "$-1\r\n", "_\r\n");
    }

    @Test
    void nilArray() {
        assertWire(Reply::nilArray, "*-1\r\n", "_\r\n");
    }

    @Test
    void doubles() {
        assertWire(r -> r.doubleText("1.5"), "$3\r\n1.5\r\n", ",1.5\r\n");
        assertWire(r -> r.doubleText("-0.25"), "$5\r\n-0.25\r\n", ",-0.25\r\n");
        assertWire(r -> r.doubleText("1e+300"), "$6\r\n1e+300\r\n", ",1e+300\r\n");
    }

    @Test
    void infinityAndNan() {
        assertWire(r -> r.doubleText("inf"), "$3\r\ninf\r\n", ",inf\r\n");
        assertWire(r -> r.doubleText("-inf"), "$4\r\n-inf\r\n", ",-inf\r\n");
        assertWire(r -> r.doubleText("nan"), "$3\r\nnan\r\n", ",nan\r\n");
    }

    @Test
    void doubleTextWritesOnlyTheGivenLength() {
        byte[] scratch = "2.75garbage".getBytes(StandardCharsets.US_ASCII);
        assertWire(r -> r.doubleText(scratch, 4), "$4\r\n2.75\r\n", ",2.75\r\n");
    }

    @Test
    void doubleTextFramesOneAndTwoDigitLengthsAndLongerTexts() {
        byte[] ten = "1.23456789".getBytes(StandardCharsets.US_ASCII);
        assertWire(r -> r.doubleText(ten, 10), "$10\r\n1.23456789\r\n", ",1.23456789\r\n");
        assertWire(r -> r.doubleText(ten, 9), "$9\r\n1.2345678\r\n", ",1.2345678\r\n");
        byte[] long120 = "7".repeat(120).getBytes(StandardCharsets.US_ASCII);
        assertWire(r -> r.doubleText(long120, 120), "$120\r\n" + "7".repeat(120) + "\r\n", "," + "7".repeat(120) + "\r\n");
        // Values in a row: each frame complete, none overwriting the one before.
        assertWire(r -> {
            r.doubleText(ten, 10);
            r.doubleText(ten, 3);
        }, "$10\r\n1.23456789\r\n$3\r\n1.2\r\n", ",1.23456789\r\n,1.2\r\n");
    }

    @Test
    void bigNumber() {
        assertWire(r -> r.bigNumber("18446744073709551615"),
                "$20\r\n18446744073709551615\r\n", "(18446744073709551615\r\n");
    }

    @Test
    void mapHeader() {
        assertWire(r -> r.mapHeader(2), "*4\r\n", "%2\r\n");
        assertWire(r -> r.mapHeader(0), "*0\r\n", "%0\r\n");
    }

    @Test
    void setHeader() {
        assertWire(r -> r.setHeader(3), "*3\r\n", "~3\r\n");
        assertWire(r -> r.setHeader(0), "*0\r\n", "~0\r\n");
    }

    @Test
    void arrayHeaderIsTheSameInBoth() {
        assertWire(r -> r.arrayHeader(0), "*0\r\n", "*0\r\n");
        assertWire(r -> r.arrayHeader(12345), "*12345\r\n", "*12345\r\n");
    }

    @Test
    void verbatim() {
        assertWire(r -> r.verbatim("hello"), "$5\r\nhello\r\n", "=9\r\ntxt:hello\r\n");
        assertWire(r -> r.verbatim("é"), "$2\r\né\r\n", "=6\r\ntxt:é\r\n");
    }

    @Test
    void bool() {
        assertWire(r -> r.bool(true), ":1\r\n", "#t\r\n");
        assertWire(r -> r.bool(false), ":0\r\n", "#f\r\n");
    }

    @Test
    void integers() {
        assertWire(r -> r.integer(0), ":0\r\n", ":0\r\n");
        assertWire(r -> r.integer(1023), ":1023\r\n", ":1023\r\n");
        assertWire(r -> r.integer(1024), ":1024\r\n", ":1024\r\n");
        assertWire(r -> r.integer(-1), ":-1\r\n", ":-1\r\n");
        assertWire(r -> r.integer(Long.MAX_VALUE), ":9223372036854775807\r\n", ":9223372036854775807\r\n");
        assertWire(r -> r.integer(Long.MIN_VALUE), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
    }

    @Test
    void simpleErrorAndOk() {
        assertWire(Reply::ok, "+OK\r\n", "+OK\r\n");
        assertWire(r -> r.simple("PONG"), "+PONG\r\n", "+PONG\r\n");
        assertWire(r -> r.error("ERR bad\r\nthing"), "-ERR bad  thing\r\n", "-ERR bad  thing\r\n");
    }

    @Test
    void bulkStrings() {
        assertWire(r -> r.bulk("abc"), "$3\r\nabc\r\n", "$3\r\nabc\r\n");
        assertWire(r -> r.bulk(new byte[0]), "$0\r\n\r\n", "$0\r\n\r\n");
        assertWire(r -> r.bulk("xabcx".getBytes(StandardCharsets.US_ASCII), 1, 3), "$3\r\nabc\r\n", "$3\r\nabc\r\n");
    }

    @Test
    void bulkFromAMemorySegment() {
        MemorySegment segment = MemorySegment.ofArray("..payload..".getBytes(StandardCharsets.US_ASCII));
        assertWire(r -> r.bulk(segment, 2, 7), "$7\r\npayload\r\n", "$7\r\npayload\r\n");
        // Also into a direct buffer, the kind Netty gives the connection.
        ByteBuf direct = Unpooled.directBuffer(4);
        try {
            new Reply(direct, 2).bulk(segment, 2, 7);
            assertThat(direct.toString(StandardCharsets.UTF_8)).isEqualTo("$7\r\npayload\r\n");
        } finally {
            direct.release();
        }
    }

    @Test
    void aNestedReplyComposesInOrder() {
        Consumer<Reply> hello = r -> {
            r.mapHeader(2);
            r.bulk("proto");
            r.integer(3);
            r.bulk("value");
            r.nil();
        };
        assertWire(hello, "*4\r\n$5\r\nproto\r\n:3\r\n$5\r\nvalue\r\n$-1\r\n",
                "%2\r\n$5\r\nproto\r\n:3\r\n$5\r\nvalue\r\n_\r\n");
    }

    @Test
    void resp3IsChosenByVersion() {
        assertThat(new Reply(Unpooled.buffer(), 2).resp3()).isFalse();
        assertThat(new Reply(Unpooled.buffer(), 3).resp3()).isTrue();
    }

    // ---- helpers -----------------------------------------------------------------------------

    @Test
    void doublesCopiedByAddressMatchTheSlowPathAtEveryBufferBoundary() {
        String[] texts = {"1.5", "-2.2250738585072014e-308", "inf", "1234567.25", "0", "nan", "1.7976931348623157e+308"};
        for (int protocol = 2; protocol <= 3; protocol++) {
            ByteBuf expected = Unpooled.buffer();
            writeDoubles(new Reply(expected, protocol), texts);
            // A direct buffer that starts with room for nothing up to room for everything: each
            // frame is copied by its address where 32 bytes fit, and through writeBytes where not.
            for (int capacity = 1; capacity <= expected.readableBytes() + 40; capacity++) {
                ByteBuf direct = Unpooled.directBuffer(capacity);
                try {
                    assertThat(direct.hasMemoryAddress()).as("a direct buffer with an address").isTrue();
                    writeDoubles(new Reply(direct, protocol), texts);
                    assertThat(direct.toString(StandardCharsets.US_ASCII)).as("RESP%d, capacity %d", protocol, capacity)
                            .isEqualTo(expected.toString(StandardCharsets.US_ASCII));
                } finally {
                    direct.release();
                }
            }
            expected.release();
        }
    }

    private static void writeDoubles(Reply reply, String[] texts) {
        for (String text : texts) {
            byte[] ascii = (text + "garbage").getBytes(StandardCharsets.US_ASCII);
            reply.doubleText(ascii, text.length());
        }
    }

    private static void assertWire(Consumer<Reply> write, String resp2, String resp3) {
        assertThat(render(write, 2)).as("RESP2").isEqualTo(resp2);
        assertThat(render(write, 3)).as("RESP3").isEqualTo(resp3);
    }

    private static String render(Consumer<Reply> write, int protocol) {
        ByteBuf out = Unpooled.buffer();
        try {
            write.accept(new Reply(out, protocol));
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}

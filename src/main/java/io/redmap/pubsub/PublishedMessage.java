package io.redmap.pubsub;

import io.redmap.protocol.Reply;

import java.nio.charset.StandardCharsets;

/** How a published message reaches a subscriber: {@code message} or, through a pattern, {@code pmessage}. */
public final class PublishedMessage {
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);

    private PublishedMessage() {
    }

    /** Writes the message in the reply's protocol: an array in RESP2, a push in RESP3. */
    public static void write(Reply reply, byte[] pattern, byte[] channel, byte[] payload) {
        if (pattern == null) {
            reply.pushHeader(3);
            reply.bulk(MESSAGE);
        } else {
            reply.pushHeader(4);
            reply.bulk(PMESSAGE);
            reply.bulk(pattern);
        }
        reply.bulk(channel);
        reply.bulk(payload);
    }
}

package io.redmap.protocol;

/**
 * A request that breaks the protocol. The connection replies {@code -ERR Protocol error: ...}
 * and is closed, as Redis does: after such bytes the stream cannot be trusted to be in step.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String detail) {
        super("Protocol error: " + detail, null, false, false);
    }
}

package io.redmap.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.redmap.server.Log;

/**
 * Watches a TLS connection's handshake. A handshake that fails (a plaintext client, a certificate
 * that is expired or from another CA, none when one is required, a client that stalls past
 * {@code tls-handshake-timeout}) costs only its own connection: one line at verbose level, in
 * Redis's words, and the connection is closed. Its errors go no further, so that the connection's
 * handler does not log them again; once the handshake succeeds, this handler leaves the pipeline.
 */
final class HandshakeWatch extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                Log.verbose("Error accepting a client connection: " + reason(completion.cause())
                        + " (addr=" + ctx.channel().remoteAddress() + " laddr=" + ctx.channel().localAddress() + ")");
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before or at the handshake's end: the handshake event above reports it, once.
        ctx.close();
    }

    /**
     * The messages along the cause chain: BoringSSL's engine says "General OpenSslEngine problem"
     * and keeps the certificate check's own reason ("validity check failed") in its causes.
     */
    private static String reason(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 1024; t = t.getCause()) {
            if (t instanceof DecoderException && t.getCause() != null) {
                continue; // Netty's wrapper repeats its cause's message
            }
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }
}

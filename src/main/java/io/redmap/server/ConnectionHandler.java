package io.redmap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.redmap.command.CommandDispatcher;
import io.redmap.protocol.ProtocolException;
import io.redmap.protocol.Reply;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One client connection: runs each decoded request through the dispatcher and gathers the
 * replies of a whole read (a pipeline) into one buffer, written and flushed once.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final String PROTECTED_MODE = "DENIED Redis is running in protected mode because protected mode is "
            + "enabled and no password is set for the default user. In this mode connections are only accepted from "
            + "the loopback interface. If you want to connect from external computers to redmap you may adopt one of "
            + "the following solutions: 1) Disable protected mode with 'CONFIG SET protected-mode no' from the "
            + "loopback interface. 2) Set a password with requirepass. 3) Bind only to the loopback interface.";

    private final ServerState server;
    private final CommandDispatcher dispatcher;
    private ClientSession session;
    private ByteBuf pending;

    ConnectionHandler(ServerState server, CommandDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        server.stats().connectionsReceived.increment();
        ServerConfig config = server.config();
        if (server.clients().size() >= config.getLong("maxclients")) {
            server.stats().connectionsRejected.increment();
            refuse(ctx, "ERR max number of clients reached");
            return;
        }
        boolean noPassword = config.get("requirepass").isEmpty();
        if (config.getBool("protected-mode") && noPassword && !isLoopback(ctx)) {
            server.stats().connectionsRejected.increment();
            refuse(ctx, PROTECTED_MODE);
            return;
        }
        session = new ClientSession(server.clients().nextId(), ctx.channel(), noPassword);
        server.clients().add(session);
        ctx.fireChannelActive();
    }

    private static boolean isLoopback(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                && inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }

    private static void refuse(ChannelHandlerContext ctx, String error) {
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(("-" + error + "\r\n").getBytes(StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (session == null) {
            return;
        }
        if (pending == null) {
            pending = ctx.alloc().ioBuffer();
        }
        if (message instanceof ProtocolException error) {
            server.stats().protocolErrors.increment();
            new Reply(pending, session.protocol()).error("ERR " + error.getMessage());
            session.closeAfterReply(true);
            flush(ctx);
            return;
        }
        if (session.closeAfterReply()) {
            return; // QUIT was earlier in this pipeline: the rest is not executed.
        }
        dispatcher.dispatch(session, (byte[][]) message, new Reply(pending, session.protocol()));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush(ctx);
        ctx.fireChannelReadComplete();
    }

    private void flush(ChannelHandlerContext ctx) {
        if (pending == null) {
            return;
        }
        ByteBuf out = pending;
        pending = null;
        if (!out.isReadable()) {
            out.release();
            return;
        }
        server.stats().bytesWritten.add(out.readableBytes());
        if (session.closeAfterReply()) {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(out, ctx.voidPromise());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (session != null) {
            server.clients().remove(session);
            server.commandLock().lock();
            try {
                server.watches().unwatchAll(session);
            } finally {
                server.commandLock().unlock();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Log.verbose("closing connection " + (session == null ? "" : session.address()) + ": " + cause);
        ctx.close();
    }
}

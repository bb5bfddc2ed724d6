package io.redmap.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Decides whether a new connection may stay (maxclients, protected mode) and refuses the others
 * with Redis's own error, closing them once it is sent.
 */
final class ConnectionAdmission {
    private static final String PROTECTED_MODE = "DENIED Redis is running in protected mode because protected mode is "
            + "enabled and no password is set for the default user. In this mode connections are only accepted from "
            + "the loopback interface. If you want to connect from external computers to redmap you may adopt one of "
            + "the following solutions: 1) Disable protected mode with 'CONFIG SET protected-mode no' from the "
            + "loopback interface. 2) Set a password with requirepass. 3) Bind only to the loopback interface.";

    private ConnectionAdmission() {
    }

    /** @return whether the connection is admitted; if not, it was refused and counted as rejected */
    static boolean admit(ServerState server, ChannelHandlerContext ctx) {
        ServerConfig config = server.config();
        if (server.clients().size() >= config.getLong("maxclients")) {
            server.stats().connectionsRejected.increment();
            refuse(ctx, "ERR max number of clients reached");
            return false;
        }
        if (refusedByProtectedMode(config.getBool("protected-mode"), server.acl().defaultUser().rules().nopass(),
                ctx.channel().remoteAddress())) {
            server.stats().connectionsRejected.increment();
            refuse(ctx, PROTECTED_MODE);
            return false;
        }
        return true;
    }

    /**
     * Protected mode, as Redis 7 has it: with protected-mode on and a default user that needs no
     * password (no requirepass, no password given by ACL SETUSER default), only clients on the
     * loopback interface may connect.
     */
    static boolean refusedByProtectedMode(boolean protectedMode, boolean defaultUserNopass, SocketAddress remote) {
        boolean loopback = remote instanceof InetSocketAddress inet
                && inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
        return protectedMode && defaultUserNopass && !loopback;
    }

    private static void refuse(ChannelHandlerContext ctx, String error) {
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(("-" + error + "\r\n").getBytes(StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}

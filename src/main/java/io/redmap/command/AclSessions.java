package io.redmap.command;

import io.redmap.acl.Acl;
import io.redmap.acl.User;
import io.redmap.acl.UserRules;
import io.redmap.keyspace.ByteKey;
import io.redmap.server.ClientSession;
import io.redmap.server.ServerState;

import java.util.ArrayList;
import java.util.List;

/**
 * What a change of users does to connections, as Redis does it: the connections of a deleted user
 * are closed (the caller's own after its reply), and so are subscribers whose channels their new
 * rules no longer allow. Also keeps the config's {@code user} lines current for CONFIG REWRITE.
 */
final class AclSessions {
    private AclSessions() {
    }

    static void closeSessionsOf(CommandContext ctx, List<User> deleted) {
        if (deleted.isEmpty()) {
            return;
        }
        for (ClientSession session : ctx.server().clients().all()) {
            if (deleted.contains(session.user())) {
                close(ctx, session);
            }
        }
    }

    private static void close(CommandContext ctx, ClientSession session) {
        // As Redis's deauthenticateAndCloseClient: back to the default user, unauthenticated, then closed.
        session.startAsDefaultUser(ctx.server().acl().defaultUser());
        session.authenticated(false);
        if (session == ctx.session()) {
            session.closeAfterReply(true);
        } else {
            session.kill();
        }
    }

    /** Closes the user's subscribers that hold a channel or pattern its rules no longer allow. */
    static void closeRevokedSubscribers(ServerState server, User user) {
        UserRules rules = user.rules();
        for (ClientSession session : server.clients().all()) {
            if (session.user() != user || !session.subscriptions().any()) {
                continue;
            }
            boolean revoked = false;
            for (ByteKey channel : session.subscriptions().channels()) {
                revoked |= !rules.allowsChannel(channel.bytes(), false);
            }
            for (ByteKey pattern : session.subscriptions().patterns()) {
                revoked |= !rules.allowsChannel(pattern.bytes(), true);
            }
            if (revoked) {
                session.kill();
            }
        }
    }

    /**
     * Without an aclfile, users live in the config file: its {@code user} lines become the current
     * users (the default user only when it differs from what {@code requirepass} makes of it).
     */
    static void usersChanged(ServerState server) {
        if (server.aclFile() != null) {
            return;
        }
        Acl acl = server.acl();
        List<String> lines = new ArrayList<>();
        for (User user : acl.users()) {
            if (user != acl.defaultUser() || !acl.isStandardDefault()) {
                lines.add(user.name() + " " + user.rules().describe());
            }
        }
        server.config().replaceLines("user", lines);
    }
}

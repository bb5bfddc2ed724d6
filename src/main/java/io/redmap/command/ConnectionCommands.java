package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.acl.Acl;
import io.redmap.acl.Denial;
import io.redmap.acl.User;
import io.redmap.protocol.Reply;
import io.redmap.server.ClientSession;
import io.redmap.server.ServerState;

import java.util.List;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.LOCK_FREE;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.NO_AUTH;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.TRANSACTION_CONTROL;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandFlag.ALLOW_BUSY;
import static io.redmap.command.CommandSpec.command;

/** The connection's own commands: greeting, authentication, database selection. */
final class ConnectionCommands {
    private static final RedmapException WRONGPASS =
            new RedmapException("WRONGPASS", "invalid username-password pair or user is disabled.");

    private ConnectionCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("ping").arity(-1).flags(FAST, SENTINEL, LOCK_FREE).acl(AclCategory.CONNECTION)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .group("connection").syntax("[message]")
                        .summary("Returns PONG, or the message.").handler(ConnectionCommands::ping),
                command("echo").arity(2).flags(LOADING, STALE, FAST, LOCK_FREE).acl(AclCategory.CONNECTION)
                        .group("connection").syntax("message")
                        .summary("Returns the message.").handler(ctx -> ctx.reply().bulk(ctx.arg(1))),
                command("hello").arity(-1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, SENTINEL, ALLOW_BUSY)
                        .acl(AclCategory.CONNECTION).since("6.0.0")
                        .history("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.")
                        .group("connection")
                        .syntax("[protover [AUTH username password] [SETNAME clientname]]")
                        .summary("Handshakes: chooses RESP2 or RESP3, optionally authenticates and names the connection.")
                        .handler(ConnectionCommands::hello),
                command("auth").arity(-2).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, SENTINEL, ALLOW_BUSY, LOCK_FREE)
                        .acl(AclCategory.CONNECTION).history("6.0.0", "Added ACL style (username and password).")
                        .group("connection").syntax("[username] password")
                        .summary("Authenticates the connection.").handler(ConnectionCommands::auth),
                command("quit").arity(-1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY, TRANSACTION_CONTROL, LOCK_FREE)
                        .acl(AclCategory.CONNECTION).deprecated("7.2.0", "just closing the connection")
                        .group("connection").summary("Closes the connection after replying OK.")
                        .handler(ctx -> {
                            ctx.session().closeAfterReply(true);
                            ctx.reply().ok();
                        }),
                command("select").arity(2).flags(LOADING, STALE, FAST).acl(AclCategory.CONNECTION)
                        .group("connection").syntax("index")
                        .summary("Selects the database of the connection.").handler(ConnectionCommands::select),
                command("reset").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY, TRANSACTION_CONTROL)
                        .acl(AclCategory.CONNECTION).since("6.2.0")
                        .group("connection").summary("Resets the connection's state.")
                        .handler(ConnectionCommands::reset));
    }

    static void ping(CommandContext ctx) {
        if (ctx.argc() > 2) {
            throw CommandDispatcher.wrongArity("ping");
        }
        if (PubSubCommands.pingWhenSubscribed(ctx)) {
            return;
        }
        if (ctx.argc() == 2) {
            ctx.reply().bulk(ctx.arg(1));
        } else {
            ctx.reply().simple("PONG");
        }
    }

    static void auth(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw CommandContext.syntaxError();
        }
        if (ctx.argc() == 2 && ctx.server().acl().defaultUser().rules().nopass()) {
            throw RedmapException.err("AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
        }
        String user = ctx.argc() == 3 ? ctx.string(1) : Acl.DEFAULT_USER;
        authenticate(ctx, user, ctx.arg(ctx.argc() - 1));
        ctx.reply().ok();
    }

    /** AUTH and HELLO AUTH: the connection runs as the user from now on; a failure is logged (ACL LOG). */
    private static void authenticate(CommandContext ctx, String name, byte[] password) {
        User user = ctx.server().acl().authenticate(name, password);
        if (user == null) {
            AclCheck.log(ctx.server(), ctx.session(), name, Denial.Reason.AUTH, ctx.string(0));
            throw WRONGPASS;
        }
        ctx.session().authenticatedAs(user);
    }

    static void hello(CommandContext ctx) {
        int protocol = ctx.session().protocol();
        int i = 1;
        if (ctx.argc() >= 2) {
            long requested;
            try {
                requested = Long.parseLong(ctx.string(1));
            } catch (NumberFormatException e) {
                throw RedmapException.err("Protocol version is not an integer or out of range");
            }
            if (requested < 2 || requested > 3) {
                throw new RedmapException("NOPROTO", "unsupported protocol version");
            }
            protocol = (int) requested;
            i = 2;
        }
        String name = null;
        for (; i < ctx.argc(); i++) {
            String option = ctx.keyword(i);
            if (option.equals("auth") && i + 2 < ctx.argc()) {
                authenticate(ctx, ctx.string(i + 1), ctx.arg(i + 2));
                i += 2;
            } else if (option.equals("setname") && i + 1 < ctx.argc()) {
                name = ClientCommands.checkName(ctx.string(++i));
            } else {
                throw RedmapException.err("Syntax error in HELLO option '" + ctx.string(i) + "'");
            }
        }
        if (!ctx.session().authenticated()) {
            throw new RedmapException("NOAUTH", "HELLO must be called with the client already authenticated, "
                    + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client "
                    + "and select the RESP protocol version at the same time");
        }
        if (name != null) {
            ctx.session().name(name);
        }
        ctx.session().protocol(protocol);
        // The reply is written in the newly chosen protocol, as Redis does.
        Reply reply = new Reply(ctx.reply().buffer(), protocol);
        reply.mapHeader(7);
        reply.bulk("server");
        reply.bulk("redmap");
        reply.bulk("version");
        reply.bulk(ServerState.REDIS_VERSION);
        reply.bulk("proto");
        reply.integer(protocol);
        reply.bulk("id");
        reply.integer(ctx.session().id());
        reply.bulk("mode");
        reply.bulk("standalone");
        reply.bulk("role");
        reply.bulk("master");
        reply.bulk("modules");
        reply.arrayHeader(0);
    }

    static void select(CommandContext ctx) {
        long db;
        try {
            db = ctx.integer(1);
        } catch (RedmapException e) {
            throw RedmapException.err("value is not an integer or out of range");
        }
        if (ctx.server().cluster() != null && db != 0) {
            throw RedmapException.err("SELECT is not allowed in cluster mode");
        }
        if (db < 0 || db >= ctx.keyspace().databaseCount()) {
            throw RedmapException.err("DB index is out of range");
        }
        ctx.session().db((int) db);
        ctx.reply().ok();
    }

    static void reset(CommandContext ctx) {
        ClientSession session = ctx.session();
        if (session.transaction().inMulti()) {
            session.transaction().endMulti();
        }
        ctx.server().watches().unwatchAll(session);
        ctx.server().pubsub().dropAll(session);
        ctx.server().observability().monitors().remove(session);
        session.db(0);
        session.protocol(2);
        session.name("");
        session.noTouch(false);
        session.startAsDefaultUser(ctx.server().acl().defaultUser());
        new Reply(ctx.reply().buffer(), 2).simple("RESET");
    }
}

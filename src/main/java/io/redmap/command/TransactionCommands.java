package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.server.ClientSession;
import io.redmap.server.ServerState;

import java.util.List;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.TRANSACTION_CONTROL;
import static io.redmap.command.CommandFlag.SKIP_SLOWLOG;
import static io.redmap.command.CommandFlag.ALLOW_BUSY;
import static io.redmap.command.CommandSpec.command;

/** MULTI/EXEC/DISCARD/WATCH/UNWATCH: queued commands run as one under the command lock. */
final class TransactionCommands {
    private TransactionCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("multi").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY, TRANSACTION_CONTROL)
                        .acl(AclCategory.TRANSACTION).since("1.2.0").group("transactions")
                        .summary("Starts a transaction.").handler(TransactionCommands::multi),
                command("exec").arity(1).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG, TRANSACTION_CONTROL)
                        .acl(AclCategory.TRANSACTION).since("1.2.0").group("transactions")
                        .complexity("Depends on the commands in the transaction")
                        .summary("Executes the queued commands as one.").handler(TransactionCommands::exec),
                command("discard").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY, TRANSACTION_CONTROL)
                        .acl(AclCategory.TRANSACTION).since("2.0.0")
                        .group("transactions").summary("Discards the queued commands.")
                        .handler(TransactionCommands::discard),
                command("watch").arity(-2).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY, TRANSACTION_CONTROL)
                        .acl(AclCategory.TRANSACTION).since("2.2.0")
                        .keys(KeySpec.fromFirst("RO")).group("transactions").syntax("key [key ...]")
                        .summary("Makes the next EXEC fail if any of the keys changes.")
                        .handler(TransactionCommands::watch),
                // Queued inside MULTI, as Redis does (its EXEC has already forgotten the watches).
                command("unwatch").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
                        .acl(AclCategory.TRANSACTION).since("2.2.0")
                        .group("transactions").summary("Forgets all watched keys.").handler(ctx -> {
                            ctx.server().watches().unwatchAll(ctx.session());
                            ctx.reply().ok();
                        }));
    }

    static void multi(CommandContext ctx) {
        if (ctx.session().transaction().inMulti()) {
            throw RedmapException.err("MULTI calls can not be nested");
        }
        ctx.session().transaction().beginMulti();
        ctx.reply().ok();
    }

    static void exec(CommandContext ctx) {
        ClientSession session = ctx.session();
        if (!session.transaction().inMulti()) {
            throw RedmapException.err("EXEC without MULTI");
        }
        boolean failed = session.transaction().multiFailed();
        boolean touched = session.transaction().watchedKeyTouched();
        ctx.server().watches().unwatchAll(session);
        if (failed || touched) {
            session.transaction().endMulti();
            if (failed) {
                throw new RedmapException("EXECABORT", "Transaction discarded because of previous errors.");
            }
            ctx.reply().nilArray();
            return;
        }
        // As in Redis, the client is in MULTI until its commands have run: CLIENT INFO among
        // them shows the x flag and the count.
        try {
            ClusterRouting.checkTransaction(ctx.server(), session, session.transaction().queued());
            ctx.dispatcher().executeQueued(session, session.transaction().queued(), ctx.reply());
        } finally {
            session.transaction().endMulti();
        }
    }

    static boolean isExec(CommandSpec spec) {
        return spec != null && spec.name().equals("exec");
    }

    /**
     * EXEC refused before it could run (arity, NOAUTH): Redis discards the transaction and the
     * watches, in MULTI or not, and replies EXECABORT with the reason (an ERR without its code).
     */
    static RedmapException refusedExec(ServerState server, ClientSession session, RedmapException reason) {
        if (session.transaction().inMulti()) {
            session.transaction().endMulti();
        }
        // Refused before dispatch took the command lock, which guards the watch registry.
        server.commandLock().lock();
        try {
            server.watches().unwatchAll(session);
        } finally {
            server.commandLock().unlock();
        }
        String why = reason.code().equals("ERR") ? reason.getMessage() : reason.replyText();
        return new RedmapException("EXECABORT", "Transaction discarded because of: " + why);
    }

    static void discard(CommandContext ctx) {
        if (!ctx.session().transaction().inMulti()) {
            throw RedmapException.err("DISCARD without MULTI");
        }
        ctx.session().transaction().endMulti();
        ctx.server().watches().unwatchAll(ctx.session());
        ctx.reply().ok();
    }

    static void watch(CommandContext ctx) {
        if (ctx.session().transaction().inMulti()) {
            throw RedmapException.err("WATCH inside MULTI is not allowed");
        }
        for (int i = 1; i < ctx.argc(); i++) {
            ctx.server().watches().watch(ctx.session(), ctx.session().db(), ctx.key(i));
        }
        ctx.reply().ok();
    }
}

package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;

import java.util.List;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.TRANSACTION_CONTROL;
import static io.redmap.command.CommandSpec.command;

/** MULTI/EXEC/DISCARD/WATCH/UNWATCH: queued commands run as one under the command lock. */
final class TransactionCommands {
    private TransactionCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("multi").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, TRANSACTION_CONTROL).group("transactions")
                        .summary("Starts a transaction.").handler(TransactionCommands::multi),
                command("exec").arity(1).flags(NOSCRIPT, LOADING, STALE, TRANSACTION_CONTROL).group("transactions")
                        .complexity("Depends on the commands in the transaction")
                        .summary("Executes the queued commands as one.").handler(TransactionCommands::exec),
                command("discard").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, TRANSACTION_CONTROL)
                        .group("transactions").summary("Discards the queued commands.")
                        .handler(TransactionCommands::discard),
                command("watch").arity(-2).flags(NOSCRIPT, LOADING, STALE, FAST, TRANSACTION_CONTROL)
                        .keys(KeySpec.ALL).group("transactions").syntax("key [key ...]")
                        .summary("Makes the next EXEC fail if any of the keys changes.")
                        .handler(TransactionCommands::watch),
                command("unwatch").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, TRANSACTION_CONTROL)
                        .group("transactions").summary("Forgets all watched keys.").handler(ctx -> {
                            ctx.server().watches().unwatchAll(ctx.session());
                            ctx.reply().ok();
                        }));
    }

    static void multi(CommandContext ctx) {
        if (ctx.session().inMulti()) {
            throw RedmapException.err("MULTI calls can not be nested");
        }
        ctx.session().beginMulti();
        ctx.reply().ok();
    }

    static void exec(CommandContext ctx) {
        ClientSession session = ctx.session();
        if (!session.inMulti()) {
            throw RedmapException.err("EXEC without MULTI");
        }
        boolean failed = session.multiFailed();
        List<Request> queued = session.endMulti();
        boolean touched = session.watchedKeyTouched();
        ctx.server().watches().unwatchAll(session);
        if (failed) {
            throw new RedmapException("EXECABORT", "Transaction discarded because of previous errors.");
        }
        if (touched) {
            ctx.reply().nilArray();
            return;
        }
        ctx.dispatcher().executeQueued(session, queued, ctx.reply());
    }

    static void discard(CommandContext ctx) {
        if (!ctx.session().inMulti()) {
            throw RedmapException.err("DISCARD without MULTI");
        }
        ctx.session().endMulti();
        ctx.server().watches().unwatchAll(ctx.session());
        ctx.reply().ok();
    }

    static void watch(CommandContext ctx) {
        if (ctx.session().inMulti()) {
            throw RedmapException.err("WATCH inside MULTI is not allowed");
        }
        for (int i = 1; i < ctx.argc(); i++) {
            ctx.server().watches().watch(ctx.session(), ctx.session().db(), ctx.key(i));
        }
        ctx.reply().ok();
    }
}

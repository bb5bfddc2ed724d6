package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.NO_MULTI;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandFlag.NO_ASYNC_LOADING;
import static io.redmap.command.CommandFlag.ALLOW_BUSY;
import static io.redmap.command.CommandSpec.command;

/** INFO, TIME, SAVE and friends, SHUTDOWN. */
final class ServerCommands {
    private ServerCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("info").arity(-1).flags(LOADING, STALE, SENTINEL).acl(AclCategory.DANGEROUS)
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .history("7.0.0", "Added support for taking multiple section arguments.")
                        .group("server").syntax("[section [section ...]]")
                        .summary("Returns information and statistics about the server, with a # Mmap section.")
                        .handler(ServerCommands::info),
                command("time").arity(1).flags(LOADING, STALE, FAST).tips("nondeterministic_output").since("2.6.0")
                        .group("server")
                        .summary("Returns the server time (seconds and microseconds).").handler(ServerCommands::time),
                command("save").arity(1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI).group("server")
                        .summary("Syncs every array to disk and writes the catalogue.").handler(ctx -> {
                            ctx.server().save();
                            ctx.reply().ok();
                        }),
                command("bgsave").arity(-1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING)
                        .history("3.2.2", "Added the `SCHEDULE` option.").group("server").syntax("[SCHEDULE]")
                        .summary("Like SAVE (the catalogue is small; it is written at once).")
                        .handler(ServerCommands::bgsave),
                command("lastsave").arity(1).flags(LOADING, STALE, FAST).acl(AclCategory.ADMIN, AclCategory.DANGEROUS)
                        .tips("nondeterministic_output").group("server")
                        .summary("Returns the time of the last SAVE.")
                        .handler(ctx -> ctx.reply().integer(ctx.server().lastSaveSeconds())),
                command("shutdown").arity(-1).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL, NO_MULTI, ALLOW_BUSY)
                        .history("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.").group("server")
                        .syntax("[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]")
                        .summary("Syncs arrays, writes the catalogue and stops the server.")
                        .handler(ServerCommands::shutdown));
    }

    static void info(CommandContext ctx) {
        Set<String> sections = new HashSet<>();
        for (int i = 1; i < ctx.argc(); i++) {
            sections.add(ctx.keyword(i));
        }
        ctx.reply().verbatim(InfoReport.render(ctx.server(), sections));
    }

    static void time(CommandContext ctx) {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        ctx.reply().arrayHeader(2);
        ctx.reply().bulk(Long.toString(micros / 1_000_000));
        ctx.reply().bulk(Long.toString(micros % 1_000_000));
    }

    static void bgsave(CommandContext ctx) {
        // Redis takes SCHEDULE alone; anything else is refused before a save starts.
        if (ctx.argc() > 1 && (ctx.argc() > 2 || !ctx.keyword(1).equals("schedule"))) {
            throw CommandContext.syntaxError();
        }
        ctx.server().save();
        ctx.reply().simple("Background saving started");
    }

    static void shutdown(CommandContext ctx) {
        boolean save = false;
        boolean noSave = false;
        boolean otherFlags = false;
        boolean abort = false;
        for (int i = 1; i < ctx.argc(); i++) {
            switch (ctx.keyword(i)) {
                case "nosave" -> noSave = true;
                case "save" -> save = true;
                case "now", "force" -> otherFlags = true;
                case "abort" -> abort = true;
                default -> throw CommandContext.syntaxError();
            }
        }
        // Redis's illegal combinations: ABORT with any flag, NOSAVE with SAVE. Words may repeat.
        if (abort && (save || noSave || otherFlags) || save && noSave) {
            throw CommandContext.syntaxError();
        }
        if (abort) {
            throw RedmapException.err("No shutdown in progress.");
        }
        // Arrays live in their files and the catalogue is always current: NOSAVE and SAVE both
        // sync what was written and stop. Redis closes the connection without a reply.
        ctx.server().save();
        ctx.session().closeAfterReply(true);
        ctx.server().requestShutdown();
    }
}

package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.acl.AclCategory;
import io.redmap.protocol.AsciiNumbers;

import java.util.List;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/**
 * The CLIENT subcommands that steer a connection rather than describe it: REPLY, PAUSE/UNPAUSE,
 * the client-side caching family (TRACKING, CACHING, GETREDIR, TRACKINGINFO), UNBLOCK and HELP,
 * with Redis 7.2's replies and errors.
 *
 * <p>Tracking: {@code CLIENT TRACKING off} is accepted; {@code on} is refused with a clear error,
 * since redmap sends no invalidation messages (a cache of arrays that are written in place, by
 * other keys on the same file too, could not be invalidated key by key).
 */
final class ClientControlCommands {
    private ClientControlCommands() {
    }

    static List<CommandSpec.Builder> subcommands() {
        return List.of(
                command("reply").arity(3).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("3.2.0").group("connection").syntax("<ON | OFF | SKIP>")
                        .summary("Instructs the server whether to reply to commands.")
                        .runs(ClientControlCommands::reply),
                command("pause").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("3.0.0").history("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.")
                        .group("connection").syntax("timeout [WRITE | ALL]")
                        .summary("Suspends commands processing (all, or only writes) for a number of milliseconds.")
                        .runs(ClientControlCommands::pause),
                command("unpause").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("6.2.0").group("connection").complexity("O(N) Where N is the number of paused clients")
                        .summary("Resumes processing commands from paused clients.")
                        .runs(ctx -> {
                            ctx.server().clientPause().unpause();
                            ctx.reply().ok();
                        }),
                command("tracking").arity(-3).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("6.0.0").group("connection")
                        .syntax("<ON | OFF> [REDIRECT client-id] [PREFIX prefix [prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]")
                        .complexity("O(1). Some options may introduce additional complexity.")
                        .summary("Controls server-assisted client-side caching: only OFF (redmap sends no invalidations).")
                        .runs(ClientControlCommands::tracking),
                command("caching").arity(3).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("6.0.0").group("connection").syntax("<YES | NO>")
                        .summary("Instructs the server whether to track the keys in the next request.")
                        .runs(ctx -> {
                            throw RedmapException.err("CLIENT CACHING can be called only when the client is in "
                                    + "tracking mode with OPTIN or OPTOUT mode enabled");
                        }),
                command("getredir").arity(2).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("6.0.0").group("connection")
                        .summary("Returns the client ID to which the connection's tracking notifications are redirected.")
                        .runs(ctx -> ctx.reply().integer(-1)),
                command("trackinginfo").arity(2).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("6.2.0").group("connection")
                        .summary("Returns information about server-assisted client-side caching for the connection.")
                        .runs(ClientControlCommands::trackingInfo),
                command("unblock").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("5.0.0").group("connection").syntax("client-id [TIMEOUT | ERROR]")
                        .complexity("O(log N) where N is the number of client connections")
                        .summary("Unblocks a client blocked by a blocking command from a different connection.")
                        .runs(ClientControlCommands::unblock),
                command("help").arity(2).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                        .since("5.0.0").group("connection")
                        .summary("Returns helpful text about the different subcommands.")
                        .runs(ClientControlCommands::help));
    }

    /** ON replies OK; OFF and SKIP reply nothing (the switch drops their empty reply anyway). */
    private static void reply(CommandContext ctx) {
        switch (ctx.keyword(2)) {
            case "on" -> {
                ctx.session().replies().on();
                ctx.reply().ok();
            }
            case "off" -> ctx.session().replies().off();
            case "skip" -> ctx.session().replies().skipNext();
            default -> throw CommandContext.syntaxError();
        }
    }

    private static void pause(CommandContext ctx) {
        boolean all = true;
        if (ctx.argc() == 4) {
            switch (ctx.keyword(3)) {
                case "write" -> all = false;
                case "all" -> all = true;
                default -> throw RedmapException.err("CLIENT PAUSE mode must be WRITE or ALL");
            }
        } else if (ctx.argc() > 4) {
            throw RedmapException.err("unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.");
        }
        long millis;
        try {
            millis = AsciiNumbers.parseLong(ctx.arg(2));
        } catch (NumberFormatException e) {
            throw RedmapException.err("timeout is not an integer or out of range");
        }
        if (millis < 0) {
            throw RedmapException.err("timeout is negative");
        }
        long now = System.currentTimeMillis();
        ctx.server().clientPause().pause(millis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + millis, all);
        ctx.reply().ok();
    }

    /** OFF (and its options) is accepted: tracking is never on. ON is refused, saying why. */
    private static void tracking(CommandContext ctx) {
        switch (ctx.keyword(2)) {
            case "off" -> ctx.reply().ok();
            case "on" -> throw RedmapException.err("CLIENT TRACKING ON is not supported by redmap: it sends no "
                    + "invalidation messages, so a client-side cache of its arrays could not be kept current");
            default -> throw CommandContext.syntaxError();
        }
    }

    private static void trackingInfo(CommandContext ctx) {
        ctx.reply().mapHeader(3);
        ctx.reply().bulk("flags");
        ctx.reply().setHeader(1);
        ctx.reply().bulk("off");
        ctx.reply().bulk("redirect");
        ctx.reply().integer(-1);
        ctx.reply().bulk("prefixes");
        ctx.reply().arrayHeader(0);
    }

    /** No redmap client is ever blocked in a way CLIENT UNBLOCK may end (WAIT returns at its timeout): 0. */
    private static void unblock(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw RedmapException.err("unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
        }
        if (ctx.argc() == 4 && !ctx.keyword(3).equals("timeout") && !ctx.keyword(3).equals("error")) {
            throw RedmapException.err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
        }
        ctx.integer(2);
        ctx.reply().integer(0);
    }

    /** Redis 7.2's text, line for line. */
    private static void help(CommandContext ctx) {
        String[] help = {"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CACHING (YES|NO)", "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                "GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
                "GETNAME", "    Return the name of the current connection.",
                "ID", "    Return the ID of the current connection.",
                "INFO", "    Return information about the current client connection.",
                "KILL <ip:port>", "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
                "    * USER <username>", "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
                "LIST [options ...]", "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
                "UNPAUSE", "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
                "SETNAME <name>", "    Assign the name <name> to the current connection.",
                "SETINFO <option> <value>", "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.", "    * LIB-VER: the client lib version.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                "         [OPTIN] [OPTOUT] [NOLOOP]", "    Control server assisted client side caching.",
                "TRACKINGINFO", "    Report tracking status for the current connection.",
                "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
                "NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.",
                "HELP", "    Print this help."};
        ctx.reply().arrayHeader(help.length);
        for (String line : help) {
            ctx.reply().simple(line);
        }
    }
}

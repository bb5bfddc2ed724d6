package io.redmap.command;

import io.redmap.glob.GlobMatcher;
import io.redmap.RedmapException;
import io.redmap.acl.AclCategory;
import io.redmap.protocol.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** COMMAND and its subcommands, all rendered from the command table ({@link CommandInfoReply}). */
final class IntrospectionCommands {
    private IntrospectionCommands() {
    }

    static List<CommandSpec> specs() {
        // A container that also runs alone: COMMAND with no argument lists every command, and an
        // unknown subcommand is refused before it is queued, as Redis does.
        return List.of(command("command").arity(-1).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                .tips("nondeterministic_output_order").since("2.8.13").group("server")
                .summary("Returns detailed information about all commands.")
                .complexity("O(N) where N is the total number of commands")
                .subcommands(
                        command("count").arity(2).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .since("2.8.13").group("server")
                                .summary("Returns a count of commands.")
                                .runs(ctx -> ctx.reply().integer(topLevel(ctx).size())),
                        command("info").arity(-2).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .tips("nondeterministic_output_order").since("2.8.13")
                                .history("7.0.0", "Allowed to be called with no argument to get info on all commands.")
                                .group("server").syntax("[command-name [command-name ...]]")
                                .complexity("O(N) where N is the number of commands to look up")
                                .summary("Returns information about one, multiple or all commands.")
                                .runs(IntrospectionCommands::info),
                        command("docs").arity(-2).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .tips("nondeterministic_output_order").since("7.0.0").group("server")
                                .syntax("[command-name [command-name ...]]")
                                .complexity("O(N) where N is the number of commands to look up")
                                .summary("Returns documentary information about one, multiple or all commands.")
                                .runs(IntrospectionCommands::docs),
                        command("list").arity(-2).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .tips("nondeterministic_output_order").since("7.0.0").group("server")
                                .syntax("[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]")
                                .complexity("O(N) where N is the total number of commands")
                                .summary("Returns a list of command names.").runs(IntrospectionCommands::list),
                        command("getkeys").arity(-3).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .since("2.8.13").group("server")
                                .syntax("command [arg [arg ...]]").complexity("O(N) where N is the number of arguments")
                                .summary("Extracts the key names from an arbitrary command.")
                                .runs(ctx -> getkeys(ctx, false)),
                        command("getkeysandflags").arity(-3).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .since("7.0.0").group("server")
                                .syntax("command [arg [arg ...]]").complexity("O(N) where N is the number of arguments")
                                .summary("Extracts the key names and access flags for an arbitrary command.")
                                .runs(ctx -> getkeys(ctx, true)),
                        command("help").arity(2).flags(LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .since("5.0.0").group("server")
                                .summary("Returns helpful text about the different subcommands.")
                                .runs(IntrospectionCommands::help))
                .handler(IntrospectionCommands::all));
    }

    static void all(CommandContext ctx) {
        Collection<CommandSpec> commands = topLevel(ctx);
        ctx.reply().arrayHeader(commands.size());
        for (CommandSpec spec : commands) {
            CommandInfoReply.info(spec, ctx.reply());
        }
    }

    /** The commands COMMAND and COMMAND COUNT count: containers, not their subcommands. */
    private static Collection<CommandSpec> topLevel(CommandContext ctx) {
        return ctx.server().commands().all();
    }

    /** Redis 7.2's text, line for line. */
    private static void help(CommandContext ctx) {
        String[] help = {"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)", "    Return details about all Redis commands.",
                "COUNT", "    Return the total number of commands in this Redis server.",
                "LIST", "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command.",
                "HELP", "    Print this help."};
        ctx.reply().arrayHeader(help.length);
        for (String line : help) {
            ctx.reply().simple(line);
        }
    }

    private static void info(CommandContext ctx) {
        List<CommandSpec> specs = selected(ctx);
        ctx.reply().arrayHeader(specs.size());
        for (CommandSpec spec : specs) {
            if (spec == null) {
                ctx.reply().nil(); // Redis's addReplyNull: $-1 in RESP2
            } else {
                CommandInfoReply.info(spec, ctx.reply());
            }
        }
    }

    private static void docs(CommandContext ctx) {
        List<CommandSpec> specs = selected(ctx).stream().filter(java.util.Objects::nonNull).toList();
        ctx.reply().mapHeader(specs.size());
        for (CommandSpec spec : specs) {
            ctx.reply().bulk(spec.name());
            CommandInfoReply.docs(spec, ctx.reply());
        }
    }

    /** The commands named after the subcommand (null for unknown names), or all of them. */
    private static List<CommandSpec> selected(CommandContext ctx) {
        if (ctx.argc() == 2) {
            return new ArrayList<>(topLevel(ctx));
        }
        List<CommandSpec> specs = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            specs.add(lookup(ctx, ctx.keyword(i)));
        }
        return specs;
    }

    /** A command or {@code container|subcommand} by its full name, as Redis's lookupCommandBySds. */
    private static CommandSpec lookup(CommandContext ctx, String name) {
        int bar = name.indexOf('|');
        CommandSpec spec = ctx.server().commands().find(bar < 0 ? name : name.substring(0, bar));
        if (spec == null || bar < 0) {
            return spec;
        }
        for (CommandSpec sub : spec.subcommands()) {
            if (sub.name().equals(name)) {
                return sub;
            }
        }
        return null;
    }

    /** Every command and subcommand, or those of an ACL category or matching a pattern, as Redis 7. */
    private static void list(CommandContext ctx) {
        String filter = null;
        String argument = null;
        for (int i = 2; i < ctx.argc(); i++) {
            if (ctx.keyword(i).equals("filterby") && ctx.argc() - 1 - i == 2) {
                filter = ctx.keyword(i + 1);
                if (!filter.equals("module") && !filter.equals("aclcat") && !filter.equals("pattern")) {
                    throw CommandContext.syntaxError();
                }
                argument = ctx.string(i + 2);
                i += 2;
            } else {
                throw CommandContext.syntaxError();
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : topLevel(ctx)) {
            addIfListed(names, spec, filter, argument);
            for (CommandSpec sub : spec.subcommands()) {
                addIfListed(names, sub, filter, argument);
            }
        }
        ctx.reply().arrayHeader(names.size());
        for (String name : names) {
            ctx.reply().bulk(name);
        }
    }

    private static void addIfListed(List<String> names, CommandSpec spec, String filter, String argument) {
        boolean listed = filter == null || switch (filter) {
            case "aclcat" -> {
                AclCategory category = AclCategory.named(argument);
                yield category != null && spec.in(category);
            }
            case "pattern" -> GlobMatcher.matches(argument.getBytes(StandardCharsets.UTF_8),
                    spec.name().getBytes(StandardCharsets.UTF_8), true);
            default -> false; // no modules are loaded
        };
        if (listed) {
            names.add(spec.name());
        }
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS: Redis's checks in its order, then the keys (and their flags). */
    private static void getkeys(CommandContext ctx, boolean withFlags) {
        Request request = ctx.request().from(2);
        CommandSpec spec = ctx.server().commands().find(new String(request.word(0), StandardCharsets.UTF_8));
        if (spec != null && spec.isContainer() && request.size() > 1) {
            spec = lookup(ctx, spec.name() + "|" + new String(request.word(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        }
        if (spec == null) {
            throw RedmapException.err("Invalid command specified");
        }
        if (!spec.keys().hasKeys()) {
            throw RedmapException.err("The command has no key arguments");
        }
        if (!spec.arityAccepts(request.size())) {
            throw RedmapException.err("Invalid number of arguments specified for command");
        }
        int[] positions = spec.keys().positions(request);
        if (positions.length == 0) {
            if (spec.has(CommandFlag.NO_MANDATORY_KEYS)) {
                ctx.reply().arrayHeader(0);
                return;
            }
            throw RedmapException.err("Invalid arguments specified for command");
        }
        ctx.reply().arrayHeader(positions.length);
        for (int position : positions) {
            if (withFlags) {
                ctx.reply().arrayHeader(2);
                ctx.reply().bulk(request.word(position));
                List<String> flags = spec.keys().flagsAt(request, position);
                ctx.reply().setHeader(flags.size());
                for (String flag : flags) {
                    ctx.reply().simple(flag);
                }
            } else {
                ctx.reply().bulk(request.word(position));
            }
        }
    }
}

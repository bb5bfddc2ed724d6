package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.acl.AclCategory;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** COMMAND and its subcommands, all rendered from the command table. */
final class IntrospectionCommands {
    private IntrospectionCommands() {
    }

    static List<CommandSpec> specs() {
        // A container that also runs alone: COMMAND with no argument lists every command, and an
        // unknown subcommand is refused before it is queued, as Redis does.
        return List.of(command("command").arity(-1).flags(LOADING, STALE).group("server")
                .summary("Returns detailed information about all commands.")
                .complexity("O(N) where N is the total number of commands")
                .subcommands(
                        command("count").arity(2).flags(LOADING, STALE).group("server")
                                .summary("Returns a count of commands.")
                                .runs(ctx -> ctx.reply().integer(visible(ctx).size())),
                        command("info").arity(-2).flags(LOADING, STALE).group("server")
                                .syntax("[command-name [command-name ...]]")
                                .complexity("O(N) where N is the number of commands to look up")
                                .summary("Returns information about one, multiple or all commands.")
                                .runs(IntrospectionCommands::info),
                        command("docs").arity(-2).flags(LOADING, STALE).group("server")
                                .syntax("[command-name [command-name ...]]")
                                .complexity("O(N) where N is the number of commands to look up")
                                .summary("Returns documentary information about one, multiple or all commands.")
                                .runs(IntrospectionCommands::docs),
                        command("list").arity(-2).flags(LOADING, STALE).group("server")
                                .syntax("[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]")
                                .complexity("O(N) where N is the total number of commands")
                                .summary("Returns a list of command names.").runs(IntrospectionCommands::list),
                        command("getkeys").arity(-3).flags(LOADING, STALE).group("server")
                                .syntax("command [arg [arg ...]]").complexity("O(N) where N is the number of arguments")
                                .summary("Extracts the key names from an arbitrary command.")
                                .runs(IntrospectionCommands::getkeys),
                        command("help").arity(2).flags(LOADING, STALE).group("server")
                                .summary("Returns helpful text about the different subcommands.")
                                .runs(IntrospectionCommands::help))
                .handler(IntrospectionCommands::all));
    }

    static void all(CommandContext ctx) {
        Collection<CommandSpec> commands = visible(ctx);
        ctx.reply().arrayHeader(commands.size());
        for (CommandSpec spec : commands) {
            writeInfo(spec, ctx.reply());
        }
    }

    private static Collection<CommandSpec> visible(CommandContext ctx) {
        return ctx.server().commands().all().stream().filter(spec -> !spec.name().contains("|")).toList();
    }

    private static void help(CommandContext ctx) {
        String[] help = {"COMMAND [<subcommand> [<arg> [value] [opt] ...]]. Subcommands are:",
                "(no subcommand)", "    Return details about all commands.", "COUNT",
                "    Return the total number of commands.", "INFO [<command-name> ...]",
                "    Return details about the given commands, or all.", "DOCS [<command-name> ...]",
                "    Return documentation details about the given commands, or all.", "LIST",
                "    Return a list of all command names.", "GETKEYS <full-command>",
                "    Return the keys from a full command."};
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
                ctx.reply().nilArray();
            } else {
                writeInfo(spec, ctx.reply());
            }
        }
    }

    /** The commands named after the subcommand (null for unknown names), or all of them. */
    private static List<CommandSpec> selected(CommandContext ctx) {
        if (ctx.argc() == 2) {
            return new ArrayList<>(visible(ctx));
        }
        List<CommandSpec> specs = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            specs.add(lookup(ctx, ctx.keyword(i)));
        }
        return specs;
    }

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

    static void writeInfo(CommandSpec spec, Reply reply) {
        reply.arrayHeader(10);
        reply.bulk(spec.name());
        reply.integer(spec.arity());
        List<String> flags = spec.flags().stream().filter(CommandFlag::shownInCommandInfo).map(CommandFlag::wireName).toList();
        reply.setHeader(flags.size());
        for (String flag : flags) {
            reply.simple(flag);
        }
        reply.integer(spec.keys().first());
        reply.integer(spec.keys().last());
        reply.integer(spec.keys().step());
        Set<String> categories = aclCategories(spec);
        reply.setHeader(categories.size());
        for (String category : categories) {
            reply.simple(category);
        }
        reply.arrayHeader(0);
        writeKeySpecs(spec, reply);
        reply.arrayHeader(spec.subcommands().size());
        for (CommandSpec sub : spec.subcommands()) {
            writeInfo(sub, reply);
        }
    }

    private static void writeKeySpecs(CommandSpec spec, Reply reply) {
        if (!spec.keys().hasKeys()) {
            reply.arrayHeader(0);
            return;
        }
        KeySpec keys = spec.keys();
        reply.arrayHeader(1);
        reply.mapHeader(3);
        reply.bulk("flags");
        List<String> flags = spec.has(CommandFlag.WRITE) ? List.of("RW", "UPDATE") : List.of("RO", "ACCESS");
        reply.arrayHeader(flags.size());
        for (String flag : flags) {
            reply.simple(flag);
        }
        reply.bulk("begin_search");
        reply.mapHeader(2);
        reply.bulk("type");
        reply.bulk("index");
        reply.bulk("spec");
        reply.mapHeader(1);
        reply.bulk("index");
        reply.integer(keys.first());
        reply.bulk("find_keys");
        reply.mapHeader(2);
        reply.bulk("type");
        reply.bulk("range");
        reply.bulk("spec");
        reply.mapHeader(3);
        reply.bulk("lastkey");
        reply.integer(keys.last() < 0 ? keys.last() : keys.last() - keys.first());
        reply.bulk("keystep");
        reply.integer(keys.step());
        reply.bulk("limit");
        reply.integer(0);
    }

    private static Set<String> aclCategories(CommandSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        for (AclCategory category : spec.categories()) {
            names.add("@" + category.wireName());
        }
        return names;
    }

    private static void docs(CommandContext ctx) {
        List<CommandSpec> specs = selected(ctx).stream().filter(java.util.Objects::nonNull).toList();
        Reply reply = ctx.reply();
        reply.mapHeader(specs.size());
        for (CommandSpec spec : specs) {
            reply.bulk(spec.name());
            writeDoc(spec, reply);
        }
    }

    private static void writeDoc(CommandSpec spec, Reply reply) {
        List<CommandDocs.Argument> arguments = CommandDocs.arguments(spec.syntax());
        int fields = 4 + (arguments.isEmpty() ? 0 : 1) + (spec.isContainer() ? 1 : 0);
        reply.mapHeader(fields);
        reply.bulk("summary");
        reply.bulk(spec.summary());
        reply.bulk("since");
        reply.bulk("1.0.0");
        reply.bulk("group");
        reply.bulk(spec.group());
        reply.bulk("complexity");
        reply.bulk(spec.complexity());
        if (!arguments.isEmpty()) {
            reply.bulk("arguments");
            CommandDocs.write(arguments, reply);
        }
        if (spec.isContainer()) {
            reply.bulk("subcommands");
            reply.mapHeader(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands()) {
                reply.bulk(sub.name());
                writeDoc(sub, reply);
            }
        }
    }

    private static void list(CommandContext ctx) {
        List<String> names = new ArrayList<>();
        String pattern = null;
        if (ctx.argc() > 2) {
            if (ctx.argc() != 5 || !ctx.keyword(2).equals("filterby")) {
                throw CommandContext.syntaxError();
            }
            String filter = ctx.keyword(3);
            if (filter.equals("pattern")) {
                pattern = ctx.string(4);
            } else if (filter.equals("aclcat")) {
                String category = "@" + ctx.keyword(4);
                for (CommandSpec spec : visible(ctx)) {
                    if (aclCategories(spec).contains(category)) {
                        names.add(spec.name());
                    }
                }
                writeNames(ctx, names);
                return;
            } else if (filter.equals("module")) {
                writeNames(ctx, names);
                return;
            } else {
                throw CommandContext.syntaxError();
            }
        }
        for (CommandSpec spec : visible(ctx)) {
            addName(names, spec.name(), pattern);
            for (CommandSpec sub : spec.subcommands()) {
                addName(names, sub.name(), pattern);
            }
        }
        writeNames(ctx, names);
    }

    private static void addName(List<String> names, String name, String pattern) {
        if (pattern == null || GlobMatcher.matches(pattern.getBytes(StandardCharsets.UTF_8),
                name.getBytes(StandardCharsets.UTF_8), true)) {
            names.add(name);
        }
    }

    private static void writeNames(CommandContext ctx, List<String> names) {
        ctx.reply().arrayHeader(names.size());
        for (String name : names) {
            ctx.reply().bulk(name);
        }
    }

    private static void getkeys(CommandContext ctx) {
        Request request = ctx.request().from(2);
        CommandSpec spec = ctx.server().commands().find(new String(request.word(0), StandardCharsets.UTF_8));
        if (spec == null) {
            throw RedmapException.err("Invalid command specified");
        }
        if (spec.isContainer() && request.size() > 1) {
            CommandSpec sub = lookup(ctx, spec.name() + "|" + new String(request.word(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
            spec = sub == null ? spec : sub;
        }
        if (!spec.arityAccepts(request.size())) {
            throw RedmapException.err("Invalid number of arguments specified for command");
        }
        int[] positions = spec.keys().positions(request.size());
        if (positions.length == 0) {
            throw RedmapException.err("The command has no key arguments");
        }
        ctx.reply().arrayHeader(positions.length);
        for (int position : positions) {
            ctx.reply().bulk(request.word(position));
        }
    }
}

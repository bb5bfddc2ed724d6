package io.redmap.command;

import io.redmap.glob.GlobMatcher;
import io.redmap.RedmapException;
import io.redmap.server.ConfigOption;
import io.redmap.server.Log;
import io.redmap.server.ServerConfig;
import io.redmap.tls.TlsContexts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** CONFIG GET/SET/RESETSTAT/REWRITE over the server's option table. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("config").arity(-2).since("2.0.0").group("server")
                .summary("A container for server configuration commands.")
                .subcommands(
                        command("get").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.0.0")
                                .history("7.0.0", "Added the ability to pass multiple pattern parameters in one call")
                                .group("server")
                                .syntax("parameter [parameter ...]")
                                .summary("Returns the values of options matching glob patterns.")
                                .runs(ConfigCommands::get),
                        command("set").arity(-4).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                                .tips("request_policy:all_nodes", "response_policy:all_succeeded").since("2.0.0")
                                .history("7.0.0", "Added the ability to set multiple parameters in one call.")
                                .group("server")
                                .syntax("parameter value [parameter value ...]")
                                .summary("Changes options at run time, all or none.").runs(ConfigCommands::set),
                        command("resetstat").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                                .tips("request_policy:all_nodes", "response_policy:all_succeeded").since("2.0.0")
                                .group("server")
                                .summary("Resets the statistics INFO reports.").runs(ctx -> {
                                    ctx.server().stats().reset();
                                    ctx.server().observability().resetStats();
                                    ctx.reply().ok();
                                }),
                        command("rewrite").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                                .tips("request_policy:all_nodes", "response_policy:all_succeeded").since("2.8.0")
                                .group("server")
                                .summary("Writes the running configuration to the config file.")
                                .runs(ConfigCommands::rewrite),
                        command("help").arity(2).flags(LOADING, STALE).group("server").since("5.0.0")
                                .summary("Returns helpful text about the different subcommands.")
                                .runs(ConfigCommands::help))
                .container());
    }

    static void get(CommandContext ctx) {
        Map<String, String> found = new LinkedHashMap<>();
        for (int i = 2; i < ctx.argc(); i++) {
            byte[] pattern = ctx.keyword(i).getBytes(StandardCharsets.UTF_8);
            if (ServerConfig.isAlias(ctx.keyword(i))) {
                // An old name asked for by itself (CONFIG GET slaveof) is answered under it, as Redis does.
                found.put(ctx.keyword(i), ctx.server().config().get(ctx.keyword(i)));
                continue;
            }
            for (ConfigOption option : ServerConfig.options()) {
                if (GlobMatcher.matches(pattern, option.name().getBytes(StandardCharsets.UTF_8), true)) {
                    found.put(option.name(), ctx.server().config().get(option.name()));
                }
            }
        }
        ctx.reply().mapHeader(found.size());
        for (var entry : found.entrySet()) {
            ctx.reply().bulk(entry.getKey());
            ctx.reply().bulk(entry.getValue());
        }
    }

    /** Options Redis refuses to change at run time unless enable-protected-configs allows it (it does not here). */
    private static final Set<String> PROTECTED = Set.of("dir", "dbfilename");

    /**
     * All or nothing, as Redis 7: every name is checked first (unknown, immutable or protected,
     * given twice), in order, the first fault answered; then the values are set, and a value
     * refused puts back those set before it.
     */
    static void set(CommandContext ctx) {
        if ((ctx.argc() - 2) % 2 != 0) {
            throw CommandContext.syntaxError(); // an odd count: Redis's "syntax error"
        }
        Set<String> named = new HashSet<>();
        for (int i = 2; i < ctx.argc(); i += 2) {
            String name = ServerConfig.canonicalName(ctx.keyword(i));
            ConfigOption option = ServerConfig.options().stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
            if (option == null) {
                throw RedmapException.err("Unknown option or number of arguments for CONFIG SET - '" + ctx.string(i) + "'");
            }
            if (PROTECTED.contains(name)) {
                throw failed(ctx, i, "can't set protected config");
            }
            if (!option.mutable()) {
                throw failed(ctx, i, "can't set immutable config");
            }
            if (!named.add(name)) {
                throw failed(ctx, i, "duplicate parameter");
            }
        }
        ServerConfig config = ctx.server().config();
        Map<String, String> previous = new LinkedHashMap<>();
        try {
            for (int i = 2; i < ctx.argc(); i += 2) {
                String name = ServerConfig.canonicalName(ctx.keyword(i));
                previous.putIfAbsent(name, config.get(name));
                try {
                    config.setAtRuntime(name, ctx.string(i + 1));
                } catch (IllegalArgumentException e) {
                    throw failed(ctx, i, e.getMessage());
                }
            }
            reloadTls(ctx, previous.keySet());
        } catch (RedmapException e) {
            previous.forEach(config::set);
            throw e;
        }
        previous.keySet().forEach(ctx.server()::configChanged);
        ctx.reply().ok();
    }

    /**
     * The TLS contexts are rebuilt from all the tls-* options at once, after they are all set (as
     * Redis's applyTlsCfg): a failure (a missing file, a key that is not the certificate's) refuses
     * the whole CONFIG SET with Redis's text, the reason in the log, and the old contexts stay.
     */
    private static void reloadTls(CommandContext ctx, Set<String> names) {
        for (String name : names) {
            if (TlsContexts.rebuiltBy(name)) {
                try {
                    ctx.server().tls().reload();
                } catch (IOException e) {
                    Log.warning("Failed applying new configuration. Possibly related to new " + name
                            + " setting. Restoring previous settings.");
                    throw RedmapException.err("CONFIG SET failed (possibly related to argument '" + name
                            + "') - Unable to update TLS configuration. Check server logs.");
                }
                return;
            }
        }
    }

    private static RedmapException failed(CommandContext ctx, int index, String reason) {
        return RedmapException.err("CONFIG SET failed (possibly related to argument '" + ctx.string(index) + "') - " + reason);
    }

    /** Redis 7.2's text, line for line. */
    static void help(CommandContext ctx) {
        String[] help = {"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                "RESETSTAT", "    Reset statistics reported by the INFO command.",
                "REWRITE", "    Rewrite the configuration file.",
                "HELP", "    Print this help."};
        ctx.reply().arrayHeader(help.length);
        for (String line : help) {
            ctx.reply().simple(line);
        }
    }

    static void rewrite(CommandContext ctx) {
        try {
            ctx.server().config().rewrite();
        } catch (IllegalStateException e) {
            throw RedmapException.err(e.getMessage());
        } catch (IOException e) {
            throw RedmapException.err("Rewriting config file: " + e.getMessage());
        }
        ctx.reply().ok();
    }
}

package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.server.ConfigOption;
import io.redmap.server.Log;
import io.redmap.server.ServerConfig;
import io.redmap.tls.TlsContexts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        return List.of(command("config").arity(-2).group("server")
                .summary("A container for server configuration commands.")
                .subcommands(
                        command("get").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("parameter [parameter ...]")
                                .summary("Returns the values of options matching glob patterns.")
                                .runs(ConfigCommands::get),
                        command("set").arity(-4).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("parameter value [parameter value ...]")
                                .summary("Changes options at run time, all or none.").runs(ConfigCommands::set),
                        command("resetstat").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .summary("Resets the statistics INFO reports.").runs(ctx -> {
                                    ctx.server().stats().reset();
                                    ctx.reply().ok();
                                }),
                        command("rewrite").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .summary("Writes the running configuration to the config file.")
                                .runs(ConfigCommands::rewrite))
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

    static void set(CommandContext ctx) {
        if ((ctx.argc() - 2) % 2 != 0) {
            throw CommandDispatcher.wrongArity("config|set");
        }
        ServerConfig config = ctx.server().config();
        Map<String, String> previous = new LinkedHashMap<>();
        try {
            for (int i = 2; i < ctx.argc(); i += 2) {
                String name = ServerConfig.canonicalName(ctx.keyword(i));
                if (!ServerConfig.exists(name)) {
                    throw RedmapException.err("Unknown option or number of arguments for CONFIG SET - '" + ctx.string(i) + "'");
                }
                previous.putIfAbsent(name, config.get(name));
                try {
                    config.setAtRuntime(name, ctx.string(i + 1));
                } catch (IllegalArgumentException e) {
                    throw RedmapException.err("CONFIG SET failed (possibly related to argument '" + ctx.string(i)
                            + "') - " + e.getMessage());
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

package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;
import io.redmap.stats.CommandCounters;
import io.redmap.stats.LatencyMonitor;
import io.redmap.stats.Observability;
import io.redmap.stats.SlowLog;

import java.util.ArrayList;
import java.util.List;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** SLOWLOG, LATENCY and MONITOR, with Redis 7's replies (slowlog.c, latency.c, replication.c). */
final class ObservabilityCommands {
    private ObservabilityCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("slowlog").arity(-2).group("server").summary("A container for slow log commands.")
                        .complexity("Depends on subcommand.")
                        .subcommands(
                                command("get").arity(-2).flags(ADMIN, LOADING, STALE).group("server").syntax("[count]")
                                        .tips("request_policy:all_nodes", "nondeterministic_output")
                                        .summary("Returns the slow log's entries.")
                                        .complexity("O(N) where N is the number of entries returned")
                                        .runs(ObservabilityCommands::slowlogGet),
                                command("len").arity(2).flags(ADMIN, LOADING, STALE).group("server")
                                        .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
                                        .summary("Returns the number of entries in the slow log.")
                                        .runs(ctx -> ctx.reply().integer(slowlog(ctx).size())),
                                command("reset").arity(2).flags(ADMIN, LOADING, STALE).group("server")
                                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                                        .summary("Clears all entries from the slow log.")
                                        .complexity("O(N) where N is the number of entries in the slowlog")
                                        .runs(ctx -> {
                                            slowlog(ctx).reset();
                                            ctx.reply().ok();
                                        }),
                                command("help").arity(2).flags(LOADING, STALE).group("server")
                                        .summary("Show helpful text about the different subcommands")
                                        .runs(ctx -> Help.reply(ctx, "SLOWLOG", SLOWLOG_HELP)))
                        .container(),
                command("latency").arity(-2).group("server").summary("A container for latency diagnostics commands.")
                        .complexity("Depends on subcommand.")
                        .subcommands(
                                command("latest").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                                        .summary("Returns the latest latency samples for all events.")
                                        .runs(ObservabilityCommands::latencyLatest),
                                command("history").arity(3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                                        .syntax("event").summary("Returns timestamp-latency samples for an event.")
                                        .runs(ObservabilityCommands::latencyHistory),
                                command("reset").arity(-2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                        .tips("request_policy:all_nodes", "response_policy:agg_sum")
                                        .syntax("[event [event ...]]")
                                        .summary("Resets the latency data for one or more events.")
                                        .runs(ObservabilityCommands::latencyReset),
                                command("doctor").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                                        .summary("Returns a human-readable latency analysis report.")
                                        .runs(ctx -> ctx.reply().verbatim(observability(ctx).doctor())),
                                command("histogram").arity(-2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                                        .syntax("[command [command ...]]")
                                        .summary("Returns the cumulative distribution of latencies of a subset or all commands.")
                                        .complexity("O(N) where N is the number of commands with latency information being retrieved.")
                                        .runs(ObservabilityCommands::latencyHistogram),
                                command("help").arity(2).flags(LOADING, STALE).group("server")
                                        .summary("Returns helpful text about the different subcommands.")
                                        .runs(ctx -> Help.reply(ctx, "LATENCY", LATENCY_HELP)))
                        .container(),
                command("monitor").arity(1).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                        .summary("Listens for all requests received by the server in real-time.")
                        .handler(ObservabilityCommands::monitor));
    }

    private static final String[] SLOWLOG_HELP = {
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
    };

    private static final String[] LATENCY_HELP = {
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
    };

    private static Observability observability(CommandContext ctx) {
        return ctx.server().observability();
    }

    private static SlowLog slowlog(CommandContext ctx) {
        return observability(ctx).slowlog();
    }

    private static void slowlogGet(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw RedmapException.err("unknown subcommand or wrong number of arguments for '" + ctx.string(1)
                    + "'. Try SLOWLOG HELP.");
        }
        long count = 10;
        if (ctx.argc() == 3) {
            try {
                count = ctx.integer(2);
            } catch (RedmapException e) {
                count = -2;
            }
            if (count < -1) {
                throw RedmapException.err("count should be greater than or equal to -1");
            }
        }
        List<SlowLog.Entry> entries = slowlog(ctx).newest(count);
        Reply reply = ctx.reply();
        reply.arrayHeader(entries.size());
        for (SlowLog.Entry entry : entries) {
            reply.arrayHeader(6);
            reply.integer(entry.id());
            reply.integer(entry.unixSeconds());
            reply.integer(entry.micros());
            reply.arrayHeader(entry.args().size());
            entry.args().forEach(reply::bulk);
            reply.bulk(entry.client());
            reply.bulk(entry.clientName());
        }
    }

    private static void latencyLatest(CommandContext ctx) {
        List<LatencyMonitor.Latest> events = observability(ctx).latency().latest();
        Reply reply = ctx.reply();
        reply.arrayHeader(events.size());
        for (LatencyMonitor.Latest event : events) {
            reply.arrayHeader(4);
            reply.bulk(event.event());
            reply.integer(event.latest().unixSeconds());
            reply.integer(event.latest().millis());
            reply.integer(event.max());
        }
    }

    private static void latencyHistory(CommandContext ctx) {
        List<LatencyMonitor.Sample> samples = observability(ctx).latency().history(ctx.string(2));
        Reply reply = ctx.reply();
        reply.arrayHeader(samples.size());
        for (LatencyMonitor.Sample sample : samples) {
            reply.arrayHeader(2);
            reply.integer(sample.unixSeconds());
            reply.integer(sample.millis());
        }
    }

    private static void latencyReset(CommandContext ctx) {
        LatencyMonitor latency = observability(ctx).latency();
        if (ctx.argc() == 2) {
            ctx.reply().integer(latency.resetAll());
            return;
        }
        int resets = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            resets += latency.reset(ctx.string(i));
        }
        ctx.reply().integer(resets);
    }

    /** Every command with latency data, or those named (a container stands for its subcommands too). */
    private static void latencyHistogram(CommandContext ctx) {
        List<CommandCounters> selected = new ArrayList<>();
        var stats = observability(ctx).commands();
        if (ctx.argc() == 2) {
            stats.all().stream().filter(command -> command.latency() != null).forEach(selected::add);
        }
        for (int i = 2; i < ctx.argc(); i++) {
            String name = ctx.keyword(i);
            for (CommandCounters command : stats.all()) {
                boolean named = command.name().equals(name) || command.name().startsWith(name + "|");
                if (named && command.latency() != null) {
                    selected.add(command);
                }
            }
        }
        Reply reply = ctx.reply();
        reply.mapHeader(selected.size());
        for (CommandCounters command : selected) {
            List<long[]> buckets = command.cumulativeMicros();
            reply.bulk(command.name());
            reply.mapHeader(2);
            reply.bulk("calls");
            reply.integer(command.latency().getTotalCount());
            reply.bulk("histogram_usec");
            reply.mapHeader(buckets.size());
            for (long[] bucket : buckets) {
                reply.integer(bucket[0]);
                reply.integer(bucket[1]);
            }
        }
    }

    /**
     * MONITOR: from now on this connection receives a line for each command the server runs. As in
     * Redis, not inside a transaction, and a replication link's MONITOR is ignored.
     */
    private static void monitor(CommandContext ctx) {
        ClientSession session = ctx.session();
        if (session.transaction().inMulti()) {
            throw RedmapException.err("MONITOR isn't allowed for DENY BLOCKING client");
        }
        if (session.type() == ClientType.REPLICA || session.type() == ClientType.MASTER
                || observability(ctx).monitors().contains(session)) {
            return;
        }
        observability(ctx).monitors().add(session);
        ctx.reply().ok();
    }
}

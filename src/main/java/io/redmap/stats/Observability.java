package io.redmap.stats;

import io.redmap.command.CommandFlag;
import io.redmap.command.CommandSpec;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.ServerConfig;

import java.util.Collection;

/**
 * What the server learns from each command it runs: INFO commandstats and latencystats, the slow
 * log, the latency monitor and MONITOR's lines. The dispatcher calls {@link #called} once per
 * command that ran and {@link #rejected} once per command refused before it ran; when no one
 * monitors and nothing is slow, a call costs a few counter updates and no allocation.
 */
public final class Observability {
    private final CommandStats commands;
    private final SlowLog slowlog = new SlowLog();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final Monitors monitors = new Monitors();
    // The options, parsed once per change rather than read per command.
    private volatile long slowlogMicros = 10_000;
    private volatile long slowlogMaxLength = 128;
    private volatile long latencyThresholdMillis;
    private volatile boolean tracking = true;
    private volatile double[] percentiles = {50, 99, 99.9};

    public Observability(Collection<CommandSpec> commands) {
        this.commands = new CommandStats(commands);
    }

    /** Reads this class's options (at start and after each CONFIG SET). */
    public void configure(ServerConfig config) {
        slowlogMicros = config.getLong("slowlog-log-slower-than");
        slowlogMaxLength = config.getLong("slowlog-max-len");
        latencyThresholdMillis = config.getLong("latency-monitor-threshold");
        tracking = config.getBool("latency-tracking");
        percentiles = LatencyPercentiles.parse(config.get("latency-tracking-info-percentiles"));
    }

    /**
     * A command ran (its handler was called) for {@code session}, taking {@code nanos}, and replied
     * an error if {@code failed}.
     */
    public void called(CommandSpec spec, ClientSession session, Request args, long nanos, boolean failed) {
        CommandCounters counters = commands.of(spec);
        if (counters != null) {
            counters.called(nanos, failed, tracking);
        }
        long threshold = latencyThresholdMillis;
        if (threshold > 0 && nanos / 1_000_000 >= threshold) {
            latency.add(spec.has(CommandFlag.FAST) ? "fast-command" : "command", nanos / 1_000_000);
        }
        long slowerThan = slowlogMicros;
        // EXEC is not logged itself (Redis's SKIP_SLOWLOG): the commands it ran are, one by one.
        if (slowerThan >= 0 && nanos / 1000 >= slowerThan && !spec.has(CommandFlag.SKIP_SLOWLOG)) {
            slowlog.add(spec.name(), args, nanos / 1000, session.address(), session.name(), slowlogMaxLength);
        }
        // Administrative commands are not shown to monitors, as in Redis (CONFIG, ACL, DEBUG...).
        if (!monitors.isEmpty() && !spec.has(CommandFlag.ADMIN)) {
            monitors.feed(session, session.db(), spec.name(), args);
        }
    }

    /** A command refused before it ran (arity, NOAUTH, -MOVED, -READONLY...): Redis's rejected_calls. */
    public void rejected(CommandSpec spec) {
        CommandCounters counters = commands.of(spec);
        if (counters != null) {
            counters.rejected();
        }
    }

    /** A sync of mapped files took {@code nanos}: a latency event when it reaches the threshold. */
    public void synced(String event, long nanos) {
        long threshold = latencyThresholdMillis;
        if (threshold > 0 && nanos / 1_000_000 >= threshold) {
            latency.add(event, nanos / 1_000_000);
        }
    }

    /** CONFIG RESETSTAT: the per-command figures start again (the slow log and latency events stay, as in Redis). */
    public void resetStats() {
        commands.reset();
    }

    public CommandStats commands() {
        return commands;
    }

    public SlowLog slowlog() {
        return slowlog;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    public Monitors monitors() {
        return monitors;
    }

    /** LATENCY DOCTOR's report. */
    public String doctor() {
        return LatencyDoctor.report(latency, new LatencyDoctor.Settings(latencyThresholdMillis, slowlogMicros));
    }

    /** INFO commandstats, errorstats and latencystats, by section name. */
    public void infoSection(String section, ErrorStats errors, StringBuilder out) {
        switch (section) {
            case "commandstats" -> StatsSections.commandStats(commands, out);
            case "errorstats" -> StatsSections.errorStats(errors, out);
            case "latencystats" -> StatsSections.latencyStats(commands, tracking, percentiles, out);
            default -> throw new IllegalArgumentException(section);
        }
    }
}

package io.redmap.stats;

import io.redmap.command.CommandFlag;
import io.redmap.command.CommandSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The counters of every command and subcommand of the table, found by the number the table gave
 * the spec the dispatcher resolved (the same number ACL's command bitmaps use): an array read.
 */
public final class CommandStats {
    private CommandCounters[] byId = new CommandCounters[0];
    /** Containers before their subcommands, in the table's order: the order INFO lists them in. */
    private final List<CommandCounters> ordered = new ArrayList<>();

    public CommandStats(Collection<CommandSpec> commands) {
        for (CommandSpec spec : commands) {
            add(spec);
            spec.subcommands().forEach(this::add);
        }
    }

    private void add(CommandSpec spec) {
        CommandCounters counters = new CommandCounters(spec.name(),
                spec.has(CommandFlag.LOCK_FREE) || spec.has(CommandFlag.LOCK_FREE_READ));
        if (spec.id() >= byId.length) {
            byId = java.util.Arrays.copyOf(byId, spec.id() + 1);
        }
        byId[spec.id()] = counters;
        ordered.add(counters);
    }

    /** The counters of a command of the table (null for a spec that is not in it). */
    public CommandCounters of(CommandSpec spec) {
        int id = spec.id();
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    public List<CommandCounters> all() {
        return ordered;
    }

    /** CONFIG RESETSTAT: calls, times, refusals and latency histograms start again from nothing. */
    public void reset() {
        ordered.forEach(CommandCounters::reset);
    }
}

package io.redmap.stats;

import io.redmap.command.CommandSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of every command and subcommand of the table, found by the spec the dispatcher
 * resolved: an identity lookup, with no key to build per command.
 */
public final class CommandStats {
    private final Map<CommandSpec, CommandCounters> bySpec = new IdentityHashMap<>();
    /** Containers before their subcommands, in the table's order: the order INFO lists them in. */
    private final List<CommandCounters> ordered = new ArrayList<>();

    public CommandStats(Collection<CommandSpec> commands) {
        for (CommandSpec spec : commands) {
            add(spec);
            spec.subcommands().forEach(this::add);
        }
    }

    private void add(CommandSpec spec) {
        CommandCounters counters = new CommandCounters(spec.name());
        bySpec.put(spec, counters);
        ordered.add(counters);
    }

    /** The counters of a command of the table (null for a spec that is not in it). */
    public CommandCounters of(CommandSpec spec) {
        return bySpec.get(spec);
    }

    /** The counters of a command by its full name ({@code config|get}), or null. */
    public CommandCounters named(String fullName) {
        for (CommandCounters counters : ordered) {
            if (counters.name().equals(fullName)) {
                return counters;
            }
        }
        return null;
    }

    public List<CommandCounters> all() {
        return ordered;
    }

    /** CONFIG RESETSTAT: calls, times, refusals and latency histograms start again from nothing. */
    public void reset() {
        ordered.forEach(CommandCounters::reset);
    }
}

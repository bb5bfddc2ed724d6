package io.redmap.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every command redmap has, by name: the one table dispatch and introspection read. */
public final class CommandTable {
    private final Map<String, CommandSpec> commands = new LinkedHashMap<>();

    private CommandTable(List<CommandSpec> specs) {
        for (CommandSpec spec : specs) {
            if (commands.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalStateException("command " + spec.name() + " is defined twice");
            }
        }
    }

    /** The full command set of the server. */
    public static CommandTable standard() {
        List<CommandSpec> specs = new ArrayList<>();
        specs.addAll(MmapCommand.specs());
        specs.addAll(ArrayCommands.specs());
        specs.addAll(BulkCommands.specs());
        specs.addAll(NumericCommands.specs());
        specs.addAll(KeyspaceCommands.specs());
        specs.addAll(ConnectionCommands.specs());
        specs.addAll(ClientCommands.specs());
        specs.addAll(ServerCommands.specs());
        specs.addAll(ConfigCommands.specs());
        specs.addAll(TransactionCommands.specs());
        specs.addAll(IntrospectionCommands.specs());
        return new CommandTable(specs);
    }

    /** The command, or null; the name in any case. */
    public CommandSpec find(String name) {
        return commands.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(commands.values());
    }

    public int size() {
        return commands.size();
    }
}

package io.redmap.command;

import io.redmap.acl.AclCommand;
import io.redmap.acl.CommandCatalog;

import java.nio.charset.StandardCharsets;
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
    /**
     * The same commands in an open-addressing table keyed by their names folded to lower case,
     * so that a request's name bytes are looked up without building a String per request.
     */
    private final CommandSpec[] slots;
    private final byte[][] slotNames;

    private CommandTable(List<CommandSpec> unnumbered) {
        int[] nextId = {0};
        List<CommandSpec> specs = unnumbered.stream().map(spec -> spec.numbered(() -> nextId[0]++)).toList();
        for (CommandSpec spec : specs) {
            if (commands.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalStateException("command " + spec.name() + " is defined twice");
            }
        }
        int size = Integer.highestOneBit(Math.max(16, commands.size() * 4)) * 2;
        slots = new CommandSpec[size];
        slotNames = new byte[size][];
        for (CommandSpec spec : commands.values()) {
            byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
            int slot = foldedHash(name) & (size - 1);
            while (slots[slot] != null) {
                slot = (slot + 1) & (size - 1);
            }
            slots[slot] = spec;
            slotNames[slot] = name;
        }
    }

    /** The command named by a request's first word, in any case, or null. */
    public CommandSpec find(byte[] name) {
        int mask = slots.length - 1;
        for (int slot = foldedHash(name) & mask; slots[slot] != null; slot = (slot + 1) & mask) {
            if (equalsFolded(slotNames[slot], name)) {
                return slots[slot];
            }
        }
        return null;
    }

    private static int foldedHash(byte[] name) {
        int hash = 0;
        for (byte b : name) {
            hash = 31 * hash + fold(b);
        }
        return hash ^ (hash >>> 16);
    }

    private static boolean equalsFolded(byte[] lowerCase, byte[] name) {
        if (lowerCase.length != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (lowerCase[i] != fold(name[i])) {
                return false;
            }
        }
        return true;
    }

    private static int fold(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
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
        specs.addAll(PubSubCommands.specs());
        specs.addAll(ReplicationCommands.specs());
        specs.addAll(ClusterCommands.specs());
        specs.addAll(MigrateCommand.specs());
        specs.addAll(ImportCommands.specs());
        specs.addAll(IntrospectionCommands.specs());
        specs.addAll(AclCommands.specs());
        specs.addAll(DatabaseCommands.specs());
        specs.addAll(ObjectCommands.specs());
        specs.addAll(MemoryCommands.specs());
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

    /** The commands as ACL rules see them: ids, full names, categories (built once per server). */
    public CommandCatalog aclCatalog() {
        List<AclCommand> commands = new ArrayList<>();
        for (CommandSpec spec : all()) {
            commands.add(aclCommand(spec));
        }
        return new CommandCatalog(commands);
    }

    private static AclCommand aclCommand(CommandSpec spec) {
        List<AclCommand> subs = spec.subcommands().stream().map(CommandTable::aclCommand).toList();
        return new AclCommand(spec.id(), spec.name(), spec.categories(), spec.has(CommandFlag.NO_AUTH), subs);
    }
}

package io.redmap.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands ACL rules may name, from the command table: by full name, and in the table's order
 * (containers before their subcommands) for {@code ACL CAT}. Ids are dense, 0 to {@link #size()} - 1.
 */
public final class CommandCatalog {
    private final List<AclCommand> all = new ArrayList<>();
    private final Map<String, AclCommand> byName = new HashMap<>();
    private final int size;
    private final AclCommand[] byId;

    public CommandCatalog(List<AclCommand> topLevel) {
        int maxId = -1;
        for (AclCommand command : topLevel) {
            for (AclCommand one : withSubcommands(command)) {
                all.add(one);
                byName.put(one.name(), one);
                maxId = Math.max(maxId, one.id());
            }
        }
        this.size = maxId + 1;
        this.byId = new AclCommand[size];
        for (AclCommand command : all) {
            byId[command.id()] = command;
        }
    }

    /** The command with this id. */
    public AclCommand command(int id) {
        return byId[id];
    }

    private static List<AclCommand> withSubcommands(AclCommand command) {
        List<AclCommand> list = new ArrayList<>();
        list.add(command);
        list.addAll(command.subcommands());
        return list;
    }

    /** The command or subcommand ({@code parent|sub}) of that name in any case, or null. */
    public AclCommand find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Top-level commands, each followed by its subcommands. */
    public List<AclCommand> all() {
        return Collections.unmodifiableList(all);
    }

    /** One more than the largest id: the bits a command bitmap needs. */
    public int size() {
        return size;
    }
}

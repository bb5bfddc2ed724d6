package io.redmap.acl;

import java.util.List;
import java.util.Set;

/**
 * One command as ACL rules see it: its id (its bit in a selector's command bitmap), its full name
 * ({@code config|get} for a subcommand), its categories, and its subcommands.
 *
 * @param exempt allowed to every user whatever its rules (AUTH, HELLO, QUIT: Redis's no-auth commands)
 */
public record AclCommand(int id, String name, Set<AclCategory> categories, boolean exempt,
                         List<AclCommand> subcommands) {

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }
}

package io.redmap.command;

import io.redmap.replication.ReplicationState;

import java.util.List;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** The replication commands; for now ROLE, which Sentinel and clients ask a server they find. */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("role").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST).group("server")
                        .summary("Returns the replication role: for a master, its offset and its replicas.")
                        .handler(ReplicationCommands::role));
    }

    /** A master's ROLE, as Redis: {@code master}, its replication offset, and its replicas (none yet). */
    static void role(CommandContext ctx) {
        ReplicationState replication = ctx.server().replication();
        ctx.reply().arrayHeader(3);
        ctx.reply().bulk("master");
        ctx.reply().integer(replication.offset());
        ctx.reply().arrayHeader(replication.connectedReplicas());
    }
}

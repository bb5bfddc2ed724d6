package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.replication.MasterLink;
import io.redmap.replication.ReplicaLink;
import io.redmap.replication.Replication;

import java.util.List;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.NO_MULTI;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandFlag.NO_ASYNC_LOADING;
import static io.redmap.command.CommandFlag.ALLOW_BUSY;
import static io.redmap.command.CommandSpec.command;

/** Replication: ROLE, REPLICAOF (SLAVEOF), what a replica sends its master (PSYNC, REPLCONF), and WAIT. */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("role").arity(1).flags(NOSCRIPT, LOADING, STALE, FAST, SENTINEL)
                        .acl(AclCategory.ADMIN, AclCategory.DANGEROUS).since("2.8.12").group("server")
                        .summary("Returns the replication role.")
                        .handler(ReplicationCommands::role),
                command("replicaof").arity(3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING).since("5.0.0").group("server")
                        .syntax("<host port | NO ONE>")
                        .summary("Configures a server as replica of another, or promotes it to a master.")
                        .handler(ReplicationCommands::replicaof),
                command("slaveof").arity(3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING)
                        .deprecated("5.0.0", "`REPLICAOF`").group("server")
                        .syntax("<host port | NO ONE>")
                        .summary("Sets a Redis server as a replica of another, or promotes it to being a master.")
                        .handler(ReplicationCommands::replicaof),
                command("psync").arity(-3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI).since("2.8.0").group("server")
                        .syntax("replicationid offset")
                        .summary("An internal command used in replication.")
                        .handler(ReplicationCommands::psync),
                command("replconf").arity(-1).flags(ADMIN, NOSCRIPT, LOADING, STALE, ALLOW_BUSY).since("3.0.0")
                        .syscmd().group("server")
                        .summary("An internal command for configuring the replication stream.")
                        .handler(ReplicationCommands::replconf),
                command("wait").arity(3).acl(AclCategory.CONNECTION)
                        .tips("request_policy:all_shards", "response_policy:agg_min").since("3.0.0").group("generic")
                        .syntax("numreplicas timeout")
                        .complexity("O(1)")
                        .summary("Blocks until the asynchronous replication of all preceding write commands "
                                + "sent by the connection is completed.")
                        .handler(ReplicationCommands::await));
    }

    /** ROLE, as Redis: a master's offset and replicas, or a replica's master and link state. */
    static void role(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        MasterLink master = replication.masterLink();
        if (master != null) {
            ctx.reply().arrayHeader(5);
            ctx.reply().bulk("slave");
            ctx.reply().bulk(master.host());
            ctx.reply().integer(master.port());
            ctx.reply().bulk(master.stateName());
            ctx.reply().integer(master.isOnline() ? replication.state().offset() : -1);
            return;
        }
        List<ReplicaLink> replicas = replication.replicas().all();
        ctx.reply().arrayHeader(3);
        ctx.reply().bulk("master");
        ctx.reply().integer(replication.state().offset());
        int online = 0;
        for (ReplicaLink replica : replicas) {
            online += replica.state() == ReplicaLink.State.ONLINE ? 1 : 0;
        }
        ctx.reply().arrayHeader(online);
        for (ReplicaLink replica : replicas) {
            if (replica.state() == ReplicaLink.State.ONLINE) {
                ctx.reply().arrayHeader(3);
                ctx.reply().bulk(replica.ip());
                ctx.reply().bulk(Integer.toString(replica.port()));
                ctx.reply().bulk(Long.toString(replica.ackOffset()));
            }
        }
    }

    /** REPLICAOF host port | NO ONE; the {@code replicaof} option follows, for CONFIG REWRITE. */
    static void replicaof(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        if (ctx.keyword(1).equals("no") && ctx.keyword(2).equals("one")) {
            replication.promote();
            ctx.server().config().set("replicaof", "");
            ctx.reply().ok();
            return;
        }
        long port;
        try {
            port = ctx.integer(2);
        } catch (RedmapException e) {
            throw RedmapException.err("Invalid master port");
        }
        if (port < 0 || port > 65535) {
            throw RedmapException.err("Invalid master port");
        }
        String host = ctx.string(1);
        if (!replication.replicaOf(host, (int) port)) {
            ctx.reply().simple("OK Already connected to specified master");
            return;
        }
        ctx.server().config().set("replicaof", host + " " + port);
        ctx.reply().ok();
    }

    static void psync(CommandContext ctx) {
        long offset;
        try {
            offset = ctx.integer(2);
        } catch (RedmapException e) {
            offset = -1;
        }
        ctx.server().replication().replicas().psync(ctx.session(), ctx.string(1), offset, ctx.reply());
    }

    static void replconf(CommandContext ctx) {
        if (ctx.argc() == 1) {
            throw RedmapException.err("wrong number of arguments for 'replconf' command");
        }
        ctx.server().replication().replicas().replconf(ctx.session(), ctx.request(), ctx.reply());
    }

    /** WAIT numreplicas timeout: Redis's errors, then the count of replicas that acknowledged. */
    static void await(CommandContext ctx) {
        long wanted = ctx.integer(1);
        long timeout;
        try {
            timeout = ctx.integer(2);
        } catch (RedmapException e) {
            throw RedmapException.err("timeout is not an integer or out of range");
        }
        if (timeout < 0) {
            throw RedmapException.err("timeout is negative");
        }
        ctx.server().replication().replicas().await(ctx.session(), (int) Math.min(Integer.MAX_VALUE, Math.max(0, wanted)),
                timeout, ctx.reply());
    }
}

package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.cluster.Cluster;
import io.redmap.cluster.ClusterDescription;
import io.redmap.cluster.ClusterNode;
import io.redmap.cluster.ClusterState;
import io.redmap.cluster.Shard;
import io.redmap.cluster.SlotHash;
import io.redmap.keyspace.ByteKey;
import io.redmap.server.ClientType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.MAY_REPLICATE;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.NO_ASYNC_LOADING;
import static io.redmap.command.CommandSpec.command;

/**
 * Cluster mode (SPEC G): CLUSTER and its subcommands, ASKING, READONLY and READWRITE, with Redis's
 * replies and errors. The topology is declared, so the commands that build a cluster by hand
 * (MEET, ADDSLOTS, FORGET...) say so instead of doing it.
 */
final class ClusterCommands {
    private ClusterCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("cluster").arity(-2).since("3.0.0").group("cluster")
                        .summary("A container for Redis Cluster commands.")
                        .subcommands(
                                command("info").arity(2).flags(STALE).tips("nondeterministic_output").since("3.0.0")
                                        .group("cluster")
                                        .summary("Returns information about the state of a node.")
                                        .runs(ctx -> ctx.reply().verbatim(ClusterDescription.info(state(ctx)))),
                                command("nodes").arity(2).flags(STALE).tips("nondeterministic_output").since("3.0.0")
                                        .group("cluster")
                                        .summary("Returns the cluster configuration for a node.")
                                        .runs(ctx -> ctx.reply().verbatim(ClusterDescription.nodes(state(ctx)))),
                                command("slots").arity(2).flags(LOADING, STALE).tips("nondeterministic_output")
                                        .since("3.0.0").history("4.0.0", "Added node IDs.")
                                        .history("7.0.0", "Added additional networking metadata field.")
                                        .deprecated("7.0.0", "`CLUSTER SHARDS`").group("cluster")
                                        .summary("Returns the mapping of cluster slots to nodes.")
                                        .runs(ClusterReplies::slots),
                                command("shards").arity(2).flags(LOADING, STALE).tips("nondeterministic_output")
                                        .since("7.0.0").group("cluster")
                                        .summary("Returns the mapping of cluster slots to shards.")
                                        .runs(ClusterReplies::shards),
                                command("myid").arity(2).flags(STALE).since("3.0.0").group("cluster")
                                        .summary("Returns the ID of a node.")
                                        .runs(ctx -> ctx.reply().bulk(state(ctx).myself().id())),
                                command("myshardid").arity(2).flags(STALE).tips("nondeterministic_output")
                                        .since("7.2.0").group("cluster")
                                        .summary("Returns the shard ID of a node.")
                                        .runs(ctx -> ctx.reply().bulk(state(ctx).myShard().id())),
                                command("keyslot").arity(3).flags(STALE).since("3.0.0").group("cluster").syntax("key")
                                        .summary("Returns the hash slot for a key.")
                                        .runs(ctx -> ctx.reply().integer(SlotHash.slot(ctx.arg(2)))),
                                command("countkeysinslot").arity(3).flags(STALE).since("3.0.0")
                                        .group("cluster").syntax("slot")
                                        .summary("Returns the number of keys in a hash slot.")
                                        .runs(ClusterCommands::countKeysInSlot),
                                command("getkeysinslot").arity(4).flags(STALE).tips("nondeterministic_output")
                                        .since("3.0.0").group("cluster").syntax("slot count")
                                        .summary("Returns the key names in a hash slot.")
                                        .complexity("O(N) where N is the number of keys of the node")
                                        .runs(ClusterCommands::getKeysInSlot),
                                command("setslot").arity(-4).flags(ADMIN, STALE, MAY_REPLICATE, NO_ASYNC_LOADING)
                                        .since("3.0.0").group("cluster")
                                        .syntax("slot <IMPORTING node-id | MIGRATING node-id | NODE node-id | STABLE>")
                                        .summary("Binds a hash slot to a node.")
                                        .runs(ClusterSlotMove::setslot),
                                command("saveconfig").arity(2).flags(ADMIN, STALE, NO_ASYNC_LOADING).since("3.0.0")
                                        .group("cluster")
                                        .summary("Forces a node to save the cluster configuration to disk.")
                                        .runs(ctx -> {
                                            cluster(ctx).saveView();
                                            ctx.reply().ok();
                                        }),
                                command("help").arity(2).flags(LOADING, STALE).since("5.0.0").group("cluster")
                                        .summary("Returns helpful text about the different subcommands.")
                                        .runs(ClusterCommands::help),
                                declared("meet", -4, "ip port [cluster-bus-port]")
                                        .history("4.0.0", "Added the optional `cluster_bus_port` argument."),
                                declared("addslots", -3, "slot [slot ...]"),
                                declared("addslotsrange", -4, "start-slot end-slot [start-slot end-slot ...]").since("7.0.0"),
                                declared("delslots", -3, "slot [slot ...]"),
                                declared("delslotsrange", -4, "start-slot end-slot [start-slot end-slot ...]").since("7.0.0"),
                                declared("flushslots", 2, ""), declared("forget", 3, "node-id"),
                                declared("replicate", 3, "node-id"),
                                declared("reset", -2, "[HARD | SOFT]", ADMIN, STALE, NOSCRIPT),
                                declared("failover", -2, "[FORCE | TAKEOVER]"),
                                declared("set-config-epoch", 3, "config-epoch"),
                                declared("bumpepoch", 2, "").tips("nondeterministic_output"))
                        .container(),
                command("rdm.slot").arity(4).flags(ADMIN, NOSCRIPT, STALE).group("cluster")
                        .syntax("slot shard epoch")
                        .summary("An internal command of the replication stream: the master moved a slot.")
                        .handler(ClusterSlotMove::slotFromMaster),
                command("asking").arity(1).flags(FAST).acl(AclCategory.CONNECTION).since("3.0.0").group("cluster")
                        .summary("Signals that a cluster client is following an -ASK redirect.")
                        .handler(ctx -> {
                            cluster(ctx);
                            ctx.session().asking(true);
                            ctx.reply().ok();
                        }),
                command("readonly").arity(1).flags(LOADING, STALE, FAST).acl(AclCategory.CONNECTION).since("3.0.0")
                        .group("cluster")
                        .summary("Enables read-only queries for a connection to a Redis Cluster replica node.")
                        .handler(ctx -> {
                            cluster(ctx);
                            ctx.session().clusterReadOnly(true);
                            ctx.reply().ok();
                        }),
                command("readwrite").arity(1).flags(LOADING, STALE, FAST).acl(AclCategory.CONNECTION).since("3.0.0")
                        .group("cluster")
                        .summary("Enables read-write queries for a connection to a Redis Cluster replica node.")
                        .handler(ctx -> {
                            cluster(ctx);
                            ctx.session().clusterReadOnly(false);
                            ctx.reply().ok();
                        }));
    }

    /** CLUSTER HELP, from the table: each subcommand's syntax and summary. */
    private static void help(CommandContext ctx) {
        cluster(ctx);
        List<CommandSpec> subcommands = ctx.server().commands().find("cluster").subcommands();
        ctx.reply().arrayHeader(1 + 2L * subcommands.size());
        ctx.reply().simple("CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (CommandSpec sub : subcommands) {
            String name = sub.shortName().toUpperCase(Locale.ROOT);
            ctx.reply().simple(sub.syntax().isEmpty() ? name : name + " " + sub.syntax());
            ctx.reply().simple("    " + sub.summary());
        }
    }

    /**
     * A subcommand that builds or repairs a cluster by hand: here the topology is declared instead.
     * Its arity and flags are Redis's (ADMIN, STALE, NO_ASYNC_LOADING unless given).
     */
    private static CommandSpec.Builder declared(String name, int arity, String syntax, CommandFlag... flags) {
        return command(name).arity(arity).group("cluster").since("3.0.0")
                .flags(flags.length > 0 ? flags : new CommandFlag[] {NO_ASYNC_LOADING, ADMIN, STALE})
                .syntax(syntax)
                .summary("Not supported: the topology is declared by cluster-shard lines.")
                .runs(ctx -> {
                    cluster(ctx);
                    throw RedmapException.err("CLUSTER " + name.toUpperCase(Locale.ROOT) + " is not supported: "
                            + "the topology is declared by the cluster-shard lines of the configuration, "
                            + "and slots move with CLUSTER SETSLOT and MIGRATE");
                });
    }

    static Cluster cluster(CommandContext ctx) {
        Cluster cluster = ctx.server().cluster();
        if (cluster == null) {
            throw RedmapException.err("This instance has cluster support disabled");
        }
        return cluster;
    }

    static ClusterState state(CommandContext ctx) {
        return cluster(ctx).state();
    }

    /** A slot argument; Redis's message for one out of range. */
    static int slot(CommandContext ctx, int index, String error) {
        long slot;
        try {
            slot = Long.parseLong(ctx.string(index));
        } catch (NumberFormatException e) {
            throw RedmapException.err(error);
        }
        if (slot < 0 || slot >= SlotHash.SLOTS) {
            throw RedmapException.err(error);
        }
        return (int) slot;
    }

    /** As Redis (cluster.c): a slot that is no integer is {@code value is not an integer}, one out of range {@code Invalid slot}. */
    private static void countKeysInSlot(CommandContext ctx) {
        cluster(ctx);
        long slot = ctx.integer(2);
        if (slot < 0 || slot >= SlotHash.SLOTS) {
            throw RedmapException.err("Invalid slot");
        }
        ctx.reply().integer(keysInSlot(ctx, (int) slot, Long.MAX_VALUE).size());
    }

    /** As Redis: the count is parsed first, then the slot, each an integer; then both are checked. */
    private static void getKeysInSlot(CommandContext ctx) {
        cluster(ctx);
        long count = ctx.integer(3);
        long slot = ctx.integer(2);
        if (count < 0 || slot < 0 || slot >= SlotHash.SLOTS) {
            throw RedmapException.err("Invalid slot or number of keys");
        }
        List<ByteKey> keys = keysInSlot(ctx, (int) slot, count);
        ctx.reply().arrayHeader(keys.size());
        for (ByteKey key : keys) {
            ctx.reply().bulk(key.bytes());
        }
    }

    /** The keys of a slot (database 0: the only one in cluster mode), at most {@code limit}. */
    static List<ByteKey> keysInSlot(CommandContext ctx, int slot, long limit) {
        List<ByteKey> keys = new ArrayList<>();
        for (ByteKey key : ctx.keyspace().database(0).keys()) {
            if (keys.size() >= limit) {
                break;
            }
            if (SlotHash.slot(key.bytes()) == slot) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The node a CLUSTER SETSLOT names; Redis's errors for an unknown one and for a replica. */
    static ClusterNode masterNamed(ClusterState state, String id) {
        ClusterNode node = state.topology().node(id);
        if (node == null) {
            throw RedmapException.err("I don't know about node " + id);
        }
        if (!state.isMaster(node)) {
            throw RedmapException.err("Target node is not a master");
        }
        return node;
    }

    /** Whether the request comes from this node's master (the replication stream). */
    static boolean fromMaster(CommandContext ctx) {
        return ctx.session().type() == ClientType.MASTER;
    }

    static Shard shardOf(ClusterState state, ClusterNode node) {
        return state.topology().shard(node.shard());
    }
}

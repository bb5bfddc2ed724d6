package io.redmap.command;

import io.redmap.cluster.Cluster;
import io.redmap.cluster.ClusterRouter;
import io.redmap.keyspace.ByteKey;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;
import io.redmap.server.ServerState;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Cluster mode's check before a command runs: are its keys served here? Done under the command
 * lock, so that a key MIGRATE moves is either still here or already -ASK. The master's stream is
 * never redirected: a replica applies what its master did.
 */
final class ClusterRouting {
    private ClusterRouting() {
    }

    /**
     * A command about to run (the caller holds the command lock). It routes again what
     * {@link #checkServedHere} routed: a slot may have moved since, and only under the lock are the
     * keys of an open slot looked up.
     */
    static void check(ServerState server, ClientSession session, CommandSpec spec, Request args) {
        Cluster cluster = server.cluster();
        if (cluster == null || session.type() == ClientType.MASTER || !spec.keys().hasKeys()) {
            return;
        }
        List<byte[]> keys = keysOf(spec, args, new ArrayList<>());
        cluster.router().route(keys, exists(server), request(session, spec.has(CommandFlag.WRITE), spec));
    }

    /**
     * Before the command lock (and before a command is queued in MULTI): only whether its slot is
     * served here, so that a client learns of a -MOVED at once; the keys of an open slot are looked
     * up by {@link #check}, under the lock (at EXEC for a transaction).
     */
    static void checkServedHere(ServerState server, ClientSession session, CommandSpec spec, Request args) {
        Cluster cluster = server.cluster();
        if (cluster == null || session.type() == ClientType.MASTER || !spec.keys().hasKeys()) {
            return;
        }
        cluster.router().route(keysOf(spec, args, new ArrayList<>()), key -> true,
                request(session, spec.has(CommandFlag.WRITE), spec));
    }

    /** EXEC: the keys of every queued command, in one slot and served here, as one request. */
    static void checkTransaction(ServerState server, ClientSession session, List<Request> queued) {
        Cluster cluster = server.cluster();
        if (cluster == null || session.type() == ClientType.MASTER) {
            return;
        }
        List<byte[]> keys = new ArrayList<>();
        boolean write = false;
        for (Request request : queued) {
            CommandSpec spec = server.commands().find(request.word(0));
            if (spec != null) {
                keysOf(spec, request, keys);
                write |= spec.has(CommandFlag.WRITE);
            }
        }
        cluster.router().route(keys, exists(server), new ClusterRouter.Request(write, session.asking(),
                session.clusterReadOnly(), false));
    }

    private static ClusterRouter.Request request(ClientSession session, boolean write, CommandSpec spec) {
        return new ClusterRouter.Request(write, session.asking(), session.clusterReadOnly(), spec.name().equals("migrate"));
    }

    private static List<byte[]> keysOf(CommandSpec spec, Request args, List<byte[]> keys) {
        for (int position : spec.keys().positions(args)) {
            keys.add(args.word(position));
        }
        return keys;
    }

    private static Predicate<byte[]> exists(ServerState server) {
        return key -> server.keyspace().get(0, ByteKey.wrap(key)) != null;
    }
}

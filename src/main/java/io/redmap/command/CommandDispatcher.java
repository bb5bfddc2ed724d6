package io.redmap.command;

import io.netty.buffer.ByteBuf;
import io.redmap.RedmapException;
import io.redmap.keyspace.ByteKey;
import io.redmap.protocol.Reply;
import io.redmap.pubsub.KeyspaceEvents;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;
import io.redmap.server.Log;
import io.redmap.server.ServerState;
import io.redmap.stats.CommandClock;
import io.redmap.store.MappedArray;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one request: finds the command, checks authentication and arity once for all commands,
 * queues it inside MULTI, executes it under the command lock (the array reads first try without
 * it: {@link LockFreeReads}), and turns any refusal into an
 * error reply. A failed command leaves no partial reply behind.
 */
public final class CommandDispatcher {
    private final ServerState server;
    private final LockFreeReads lockFreeReads;

    public CommandDispatcher(ServerState server) {
        this.server = server;
        this.lockFreeReads = new LockFreeReads(server, this);
    }

    /** Executes a request from a client and writes its reply. */
    public void dispatch(ClientSession session, Request args, Reply reply) {
        int mark = reply.buffer().writerIndex();
        CommandSpec spec = null;
        boolean ran = false;
        try {
            spec = resolve(session, args);
            session.touched(spec.name());
            AclCheck.check(server, session, spec, args);
            PubSubCommands.checkSubscribedMode(session, spec);
            if ((spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE))
                    && server.observability().monitors().contains(session)) {
                // A MONITOR connection is a replica to Redis, and replicas do not touch the keyspace.
                throw RedmapException.err("Replica can't interact with the keyspace");
            }
            // A key of another node's slot is redirected first, as Redis does: a write sent to a
            // replica gets -MOVED to the master, not -READONLY.
            ClusterRouting.checkServedHere(server, session, spec, args);
            if (spec.has(CommandFlag.WRITE)) {
                checkWritesAccepted(session);
            }
            if (session.transaction().inMulti() && !spec.has(CommandFlag.TRANSACTION_CONTROL)) {
                if (spec.has(CommandFlag.NO_MULTI)) {
                    throw RedmapException.err("Command not allowed inside a transaction");
                }
                session.transaction().queue(args);
                reply.simple("QUEUED");
                return;
            }
            if (spec.has(CommandFlag.LOCK_FREE)) {
                ran = true;
                run(spec, new CommandContext(server, this, session, args, reply));
                server.stats().commandsProcessed.increment();
            } else if (lockFreeReads.tryRun(spec, session, args, reply)) {
                ran = true; // a read of an array that no command changed meanwhile: no lock taken
            } else {
                ReentrantLock lock = server.commandLock();
                lock.lock();
                try {
                    ClusterRouting.check(server, session, spec, args);
                    ran = true;
                    execute(spec, session, args, reply);
                } finally {
                    lock.unlock();
                }
            }
        } catch (RedmapException e) {
            if (!ran) {
                // Refused before it ran (Redis's rejected_calls): the command it named, if it names one.
                CommandSpec named = spec != null ? spec : named(args);
                if (named != null) {
                    server.observability().rejected(named);
                }
            }
            if (spec == null && TransactionCommands.isExec(server.commands().find(args.word(0)))) {
                replyError(reply, mark, TransactionCommands.refusedExec(server, session, e).replyText());
                return;
            }
            // A command that could not even be queued dooms the transaction (EXECABORT).
            if (session.transaction().inMulti() && (spec == null || !spec.has(CommandFlag.TRANSACTION_CONTROL))) {
                session.transaction().failMulti();
            }
            replyError(reply, mark, e.replyText());
        } finally {
            if (session.asking() && !session.transaction().inMulti() && (spec == null || !spec.name().equals("asking"))) {
                session.asking(false); // ASKING is good for the one command (or transaction) after it
            }
        }
    }

    /**
     * Whether CLIENT PAUSE WRITE holds this request, as Redis decides: a command that writes or
     * may replicate, or the EXEC of a transaction that queued one.
     */
    public boolean heldByWritePause(ClientSession session, Request args) {
        CommandSpec spec = server.commands().find(args.word(0));
        if (spec == null) {
            return false;
        }
        if (TransactionCommands.isExec(spec) && session.transaction().inMulti()) {
            for (Request queued : session.transaction().queued()) {
                CommandSpec inner = server.commands().find(queued.word(0));
                if (inner != null && (inner.has(CommandFlag.WRITE) || inner.has(CommandFlag.MAY_REPLICATE))) {
                    return true;
                }
            }
            return false;
        }
        return spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE);
    }

    /**
     * Executes a resolved command; the caller holds the command lock (EXEC calls this for each
     * queued command, so that the transaction runs as one).
     */
    void execute(CommandSpec spec, ClientSession session, Request args, Reply reply) {
        ByteBuf buffer = reply.buffer();
        int mark = buffer.writerIndex();
        long changes = server.keyspace().changes();
        try {
            CommandContext ctx = new CommandContext(server, this, session, args, reply);
            run(spec, ctx);
            server.stats().commandsProcessed.increment();
            // The write stream: a master's changes (a replica passes on its master's stream as it came).
            if (server.replication().streaming() && !server.replication().isReplica()
                    && (spec.has(CommandFlag.WRITE) && (ctx.changedAnything() || ctx.hasEffects())
                        || spec.has(CommandFlag.MAY_REPLICATE))) {
                for (Request effect : ctx.effects()) {
                    server.replication().propagate(session.db(), effect);
                }
            }
            if (spec.has(CommandFlag.ARRAY_EVENT) && server.keyspaceEvents().enabled(KeyspaceEvents.MODULE)
                    && ctx.changedAnything()) {
                // The array commands' events are named after them, about the key they name.
                ctx.notifyKeyspaceEvent(KeyspaceEvents.MODULE, spec.name(), ByteKey.wrap(args.word(1)));
            }
            if (spec.has(CommandFlag.WRITE) && !ctx.changesSignalled() && !server.watches().isEmpty()) {
                for (int position : spec.keys().positions(args)) {
                    server.watches().touch(session.db(), ByteKey.wrap(args.word(position)));
                }
            }
        } catch (RedmapException e) {
            replyError(reply, mark, e.replyText());
        } catch (InternalError e) {
            // The JVM turns SIGBUS on a mapped page into an InternalError: the file was truncated
            // or replaced behind our back. Resync lengths and report it; the server goes on.
            replyError(reply, mark, fileChanged(session, spec, args).replyText());
        } catch (RuntimeException e) {
            Log.warning("command " + spec.name() + " failed: " + e);
            replyError(reply, mark, "ERR internal error: " + e.getMessage());
        }
        if (reply.buffer() != buffer) {
            return; // an EXEC that streamed: its commands have dealt with their own replies
        }
        if (reply.writesAfterStream()) {
            // This reply goes out inside a stream, not with the connection's pending replies:
            // its change is saved now, and an undone one is answered here and now.
            String undone = server.keyspaceCommit().saveNow(changes);
            if (undone != null) {
                replyError(reply, mark, undone);
            }
            return;
        }
        // Where the reply of a keyspace change lies: it becomes -MISCONF if the change cannot be saved.
        server.keyspaceCommit().replied(session, changes, buffer, mark);
    }

    /**
     * The one place a command's handler runs: timed (by its connection's {@link CommandClock}: one
     * clock read per command within a batch), and what it took and whether it threw (a failed call)
     * told to the statistics, the slow log, the latency monitor and MONITOR.
     */
    private void run(CommandSpec spec, CommandContext ctx) {
        boolean failed = true;
        CommandClock clock = ctx.session().commandClock();
        long start = clock.start();
        try {
            spec.handler().execute(ctx);
            failed = false;
        } finally {
            server.observability().called(spec, ctx.session(), ctx.request(), clock.end() - start, failed);
        }
    }

    /**
     * Whether this server takes writes now: not on a read-only replica (but from its master), and
     * on a master only with {@code min-replicas-to-write} good replicas, as Redis decides.
     */
    private void checkWritesAccepted(ClientSession session) {
        if (session.type() == ClientType.MASTER) {
            return;
        }
        var replication = server.replication();
        if (replication.isReplica()) {
            if (server.config().getBool("replica-read-only")) {
                throw new RedmapException("READONLY", "You can't write against a read only replica.");
            }
            return;
        }
        long minReplicas = server.config().getLong("min-replicas-to-write");
        if (minReplicas <= 0) {
            return;
        }
        long maxLag = server.config().getLong("min-replicas-max-lag");
        if (maxLag > 0 && replication.replicas().goodReplicas(maxLag) < minReplicas) {
            throw new RedmapException("NOREPLICAS", "Not enough good replicas to write.");
        }
    }

    /** Finds the command (or subcommand) and checks access and arity. */
    CommandSpec resolve(ClientSession session, Request args) {
        CommandSpec spec = server.commands().find(args.word(0));
        if (spec == null) {
            throw RedmapException.err(unknownCommand(new String(args.word(0), StandardCharsets.UTF_8), args));
        }
        if (!session.authenticated() && !spec.has(CommandFlag.NO_AUTH)) {
            throw new RedmapException("NOAUTH", "Authentication required.");
        }
        if (spec.isContainer() && (args.size() >= 2 || spec.handler() == null)) {
            // Alone, a container runs only if it has a handler of its own (COMMAND).
            if (args.size() < 2) {
                throw wrongArity(spec.name());
            }
            String sub = new String(args.word(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            CommandSpec subSpec = findSub(spec, sub);
            if (subSpec == null) {
                throw RedmapException.err("unknown subcommand '" + abbreviate(new String(args.word(1), StandardCharsets.UTF_8))
                        + "'. Try " + spec.name().toUpperCase(Locale.ROOT) + " HELP.");
            }
            spec = subSpec;
        }
        if (!spec.arityAccepts(args.size())) {
            throw wrongArity(spec.name());
        }
        return spec;
    }

    /** The command or subcommand a request names, or null: for counting a refusal, never throws. */
    private CommandSpec named(Request args) {
        CommandSpec spec = server.commands().find(args.word(0));
        if (spec == null || !spec.isContainer() || args.size() < 2) {
            return spec;
        }
        return findSub(spec, new String(args.word(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    }

    private static CommandSpec findSub(CommandSpec container, String sub) {
        for (CommandSpec candidate : container.subcommands()) {
            if (candidate.shortName().equals(sub)) {
                return candidate;
            }
        }
        return null;
    }

    private RedmapException fileChanged(ClientSession session, CommandSpec spec, Request args) {
        for (var file : server.keyspace().store().files().openFiles()) {
            try {
                file.refreshLength();
            } catch (Exception ignored) {
                // Reported below as a changed file either way.
            }
        }
        int[] keys = spec.keys().positions(args);
        if (keys.length > 0) {
            MappedArray array = server.keyspace().get(session.db(), ByteKey.wrap(args.word(keys[0])));
            if (array != null) {
                return array.fileChanged();
            }
        }
        return RedmapException.err("file changed on disk");
    }

    static RedmapException wrongArity(String name) {
        return RedmapException.err("wrong number of arguments for '" + name + "' command");
    }

    private static String unknownCommand(String name, Request args) {
        StringBuilder text = new StringBuilder("unknown command '").append(abbreviate(name))
                .append("', with args beginning with: ");
        for (int i = 1; i < args.size() && text.length() < 512; i++) {
            text.append('\'').append(abbreviate(new String(args.word(i), StandardCharsets.UTF_8))).append("' ");
        }
        return text.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 128 ? text.substring(0, 128) : text;
    }

    private void replyError(Reply reply, int mark, String text) {
        reply.buffer().writerIndex(mark);
        reply.error(text);
        server.stats().errorReply(text);
    }

    /** For EXEC: runs the queued requests as one, under the lock the caller holds. */
    void executeQueued(ClientSession session, List<Request> queued, Reply reply) {
        reply.arrayHeader(queued.size());
        // Replicas run the transaction's effects as one too: between MULTI and EXEC.
        server.replication().beginTransaction();
        try {
            runQueued(session, queued, reply);
        } finally {
            server.replication().endTransaction();
        }
    }

    private void runQueued(ClientSession session, List<Request> queued, Reply reply) {
        for (Request request : queued) {
            CommandSpec spec;
            try {
                spec = resolve(session, request);
                AclCheck.check(server, session, spec, request); // the rules may have changed since it was queued
            } catch (RedmapException e) {
                CommandSpec named = named(request);
                if (named != null) {
                    server.observability().rejected(named);
                }
                replyError(reply, reply.buffer().writerIndex(), e.replyText());
                continue;
            }
            execute(spec, session, request, reply);
        }
    }
}

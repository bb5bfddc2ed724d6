package io.redmap.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.redmap.command.CommandDispatcher;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.Log;
import io.redmap.server.ServerState;

import java.nio.charset.StandardCharsets;

/**
 * On a replica: runs the master's write stream, command by command, as the master's connection
 * (allowed to write on a read-only replica; its replies go nowhere, as in Redis), counts the
 * offset in the master's bytes, and passes the stream on to our backlog and our own replicas.
 */
final class StreamApplier {
    private final ServerState server;
    private final Replication replication;
    private final CommandDispatcher dispatcher;
    private final ClientSession master;
    private final ByteBuf replies = ByteBufAllocator.DEFAULT.buffer(256);

    StreamApplier(ServerState server, Replication replication, CommandDispatcher dispatcher, ClientSession master) {
        this.server = server;
        this.replication = replication;
        this.dispatcher = dispatcher;
        this.master = master;
    }

    /** What the link does next after a command of the stream. */
    enum Next { GO_ON, ACKNOWLEDGE, RESYNC }

    Next apply(Request command) {
        String name = new String(command.word(0), StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        Next next = Next.GO_ON;
        switch (name) {
            case "ping" -> { } // the master's heartbeat: counted, nothing to run
            case "replconf" -> next = command.size() >= 2 && "getack".equalsIgnoreCase(new String(command.word(1),
                    StandardCharsets.US_ASCII)) ? Next.ACKNOWLEDGE : Next.GO_ON;
            case "rdm.resync" -> next = Next.RESYNC;
            default -> {
                replies.clear();
                dispatcher.dispatch(master, command, new Reply(replies, 2));
                replication.appliedDb(master.db());
                if (replies.isReadable() && replies.getByte(replies.readerIndex()) == '-' && !master.transaction().inMulti()) {
                    // The replica's data no longer matches the master's: say so, as Redis does.
                    Log.warning("== CRITICAL == This replica is sending an error to its master: '"
                            + replies.toString(StandardCharsets.UTF_8).trim() + "' after processing the command '"
                            + name + "'");
                }
            }
        }
        ByteBuf encoded = ByteBufAllocator.DEFAULT.buffer((int) Math.min(CommandEncoder.encodedLength(command), 1 << 20));
        try {
            CommandEncoder.write(encoded, command);
            server.commandLock().lock();
            try {
                replication.relay(encoded);
            } finally {
                server.commandLock().unlock();
            }
        } finally {
            encoded.release();
        }
        return next;
    }

    /** After a batch of commands: their keyspace changes are saved, their appends written. */
    void batchDone() {
        server.keyspaceCommit().commitApplied(master);
    }

    void close() {
        replies.release();
    }
}

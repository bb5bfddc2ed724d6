package io.redmap.command;

import io.netty.buffer.ByteBuf;
import io.redmap.BatchClock;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.CommandLock;
import io.redmap.server.ServerState;
import io.redmap.stats.CommandClock;
import io.redmap.store.MappedArray;

/**
 * VGET, VMGET, VREAD and VMREAD of a live array key without the command lock, so that reads on
 * several network threads ({@code io-threads}) run side by side instead of one at a time.
 *
 * <p>An optimistic read, as {@link java.util.concurrent.locks.StampedLock}'s: note the command
 * lock's sequence number ({@link CommandLock#readStamp}), run the handler as usual, then check
 * that no thread took the lock meanwhile ({@link CommandLock#validate}). If none did, the reply
 * is of a state that existed, whole (no row half-written by a VSET), and it stands. If one did,
 * or the read met anything but the plain case, its reply is dropped, nothing was counted, and the
 * dispatcher runs the command under the lock as it always has: same reply, same errors, same
 * statistics. The read writes no shared memory but the atomic statistics and a key's access
 * time (at most once per millisecond), so that readers on different cores do not bounce cache
 * lines between them.
 *
 * <p>Safety of the memory read: mappings belong to shared arenas, so a mapping that a DEL,
 * FLUSHALL, a RENAME over the key or a remap on growth closes under a reader throws {@link IllegalStateException}
 * in that reader (the JDK stops it before or after each access, never during), and a page cut
 * from the file behind the server's back raises an {@link InternalError}: both make the read
 * give way. The keys' tables are concurrent maps, so a lookup never sees a table half-resized.
 *
 * <p>It gives way to the lock when: the lock was held at the start, or taken before the end; the
 * key is missing (an error reply: counted and worded by the locked path); the file has appends
 * pending, or is due for its check on disk (both write); the reply would stream (a stream reads
 * under the lock, chunk by chunk); the handler replied an error or threw; MONITOR is on (its feed
 * must follow the order of execution); an LFU policy counts accesses (a read-modify-write of the
 * key's counter). Inside MULTI commands are queued before this point, as before.
 *
 * <p>Everything a handler does here must be undoable by resetting the reply's writer index: the
 * reply a dispatch writes into has no {@code DirectSink} (only a stream's chunks write straight to
 * the socket, and streams give way), and the one shared write, a key's access time, is harmless
 * to repeat.
 *
 * <p>{@code -Dredmap.lockedReads=true} turns it off, so that {@code bench/special/read-threads}
 * can measure the old path against the new on one build (and {@code bench/jmh}'s
 * {@code ReadDispatchBench}, which makes one dispatcher of each kind).
 */
final class LockFreeReads {
    /** The benchmarks' switch, read when the dispatcher is made: every command under the lock, as before this class. */
    static final String LOCKED_READS_PROPERTY = "redmap.lockedReads";

    /** Thrown by a handler's helpers when the read must go to the locked path; no stack, no allocation. */
    static final class GiveWay extends RuntimeException {
        private GiveWay() {
            super("lock-free read gives way to the command lock", null, false, false);
        }
    }

    static final GiveWay GIVE_WAY = new GiveWay();

    private final ServerState server;
    private final CommandDispatcher dispatcher;
    private final boolean disabled = Boolean.getBoolean(LOCKED_READS_PROPERTY);

    LockFreeReads(ServerState server, CommandDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    /**
     * Runs the command without the lock if it is one of the reads and nothing stands in the way.
     *
     * @return true when it ran and replied; false when the caller must run it under the lock
     *     (nothing was written to the reply, nothing counted)
     */
    boolean tryRun(CommandSpec spec, ClientSession session, Request args, Reply reply) {
        if (!spec.has(CommandFlag.LOCK_FREE_READ) || disabled || !server.observability().monitors().isEmpty()
                || server.keyspace().access().lfu()) {
            return false;
        }
        CommandLock lock = server.commandLock();
        long stamp = lock.readStamp();
        if (stamp < 0) {
            return false;
        }
        ByteBuf buffer = reply.buffer();
        int mark = buffer.writerIndex();
        CommandClock clock = session.commandClock();
        long start = clock.start();
        try {
            ClusterRouting.check(server, session, spec, args); // -MOVED, -ASK: given way, replied by the locked path
            CommandContext ctx = new CommandContext(server, dispatcher, session, args, reply);
            ctx.runWithoutLock();
            spec.handler().execute(ctx);
        } catch (RuntimeException | InternalError e) {
            // GiveWay, an error reply, a mapping closed under us (IllegalStateException), a
            // bound read of state being changed (IndexOutOfBounds...), a page cut (InternalError).
            buffer.writerIndex(mark);
            return false;
        }
        if (reply.buffer() != buffer || !lock.validate(stamp)) {
            buffer.writerIndex(mark);
            return false;
        }
        long nanos = clock.end() - start;
        server.stats().keyspaceHits.increment(); // one key, found: counted once the read stands
        server.stats().commandsProcessed.increment();
        server.observability().called(spec, session, args, nanos, false);
        return true;
    }

    /**
     * {@link CommandContext#array} for a read without the lock: the key's array if it is there and
     * readable as it stands, touched as Redis's lookupKey does; otherwise {@link #GIVE_WAY}.
     */
    static MappedArray array(CommandContext ctx, int index) {
        MappedArray array = ctx.server().keyspace().get(ctx.session().db(), ctx.key(index));
        if (array == null || !array.readableWithoutLock()) { // (a file not opened yet is opened under the lock)
            throw GIVE_WAY;
        }
        if (!ctx.session().noTouch()) {
            // OBJECT IDLETIME's time, as KeyAccess.touched writes it when no LFU policy is set
            // (checked before): written only when it moves, so that readers of a key on several
            // cores do not write its cache line on every request.
            long now = BatchClock.millis();
            if (array.accessMillis() != now) {
                array.accessMillis(now);
            }
        }
        return array;
    }
}

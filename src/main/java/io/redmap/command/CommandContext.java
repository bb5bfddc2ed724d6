package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Keyspace;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.pubsub.PublishedMessage;
import io.redmap.server.ClientSession;
import io.redmap.server.ServerState;
import io.redmap.store.MappedArray;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** What a handler sees: its arguments, the client, the server, and where to reply. */
public final class CommandContext {
    private static final RedmapException NOT_AN_INTEGER =
            RedmapException.err("value is not an integer or out of range");

    private final ServerState server;
    private final CommandDispatcher dispatcher;
    private final ClientSession session;
    private final Request request;
    private final Reply reply;
    /** Whether the handler said itself which keys it changed (see {@link #modified}). */
    private boolean changesSignalled;
    private int changedKeys;
    /** What replicas are sent for this command when not the command itself (see {@link #propagateAs}). */
    private List<Request> effects;
    /** Whether the handler runs without the command lock ({@link LockFreeReads}): lookups and streams give way. */
    private boolean withoutLock;

    CommandContext(ServerState server, CommandDispatcher dispatcher, ClientSession session, Request request, Reply reply) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.session = session;
        this.request = request;
        this.reply = reply;
    }

    public ServerState server() {
        return server;
    }

    CommandDispatcher dispatcher() {
        return dispatcher;
    }

    public ClientSession session() {
        return session;
    }

    public Keyspace keyspace() {
        return server.keyspace();
    }

    public Reply reply() {
        return reply;
    }

    /** Words in the request, the command name included. */
    public int argc() {
        return request.size();
    }

    public Request request() {
        return request;
    }

    public byte[] arg(int index) {
        return request.word(index);
    }

    public String string(int index) {
        return new String(request.word(index), StandardCharsets.UTF_8);
    }

    /** The argument in lower case, for matching keywords. */
    public String keyword(int index) {
        return string(index).toLowerCase(Locale.ROOT);
    }

    public ByteKey key(int index) {
        return ByteKey.wrap(request.word(index));
    }

    /** An integer argument, or Redis's {@code ERR value is not an integer or out of range}. */
    public long integer(int index) {
        try {
            return AsciiNumbers.parseLong(request.word(index));
        } catch (NumberFormatException e) {
            throw NOT_AN_INTEGER;
        }
    }

    /**
     * The array of the key at {@code index} in the client's database, or {@code You must do MMAP
     * first}; the key counts as used (Redis's lookupKey), unless the client asked for CLIENT NO-TOUCH.
     */
    public MappedArray array(int index) {
        if (withoutLock) {
            return LockFreeReads.array(this, index);
        }
        MappedArray array = server.keyspace().get(session.db(), key(index));
        if (array == null) {
            server.stats().keyspaceMisses.increment();
            throw Keyspace.noSuchArray();
        }
        server.stats().keyspaceHits.increment();
        array.verifyOnDisk();
        if (!session.noTouch()) {
            server.keyspace().access().touched(array); // what OBJECT IDLETIME and FREQ report
        }
        return array;
    }

    /** The handler runs without the command lock, optimistically (see {@link LockFreeReads}). */
    void runWithoutLock() {
        withoutLock = true;
    }

    /** Whether the handler runs without the command lock: what needs it (a stream) must give way. */
    boolean withoutLock() {
        return withoutLock;
    }

    /**
     * Redis's signalModifiedKey: the handler changed this key, so its watchers' EXEC will fail.
     * A write command that calls neither this nor {@link #modifiedNothing} is taken to have
     * changed every key it names, once it succeeds.
     */
    public void modified(int db, ByteKey key) {
        changesSignalled = true;
        changedKeys++;
        server.watches().touch(db, key);
    }

    /** The write command changed nothing (DEL of a missing key, VPOP of an empty array): no watcher is touched. */
    public void modifiedNothing() {
        changesSignalled = true;
    }

    boolean changesSignalled() {
        return changesSignalled;
    }

    /** Whether the command changed a key: it said so, or said nothing (taken as a change). */
    boolean changedAnything() {
        return !changesSignalled || changedKeys > 0;
    }

    /** A keyspace notification about a key of the current database (Redis's notifyKeyspaceEvent). */
    public void notifyKeyspaceEvent(int type, String event, ByteKey key) {
        notifyKeyspaceEvent(type, event, session.db(), key);
    }

    /** A keyspace notification about a key of database {@code db} (MOVE's {@code move_to}). */
    public void notifyKeyspaceEvent(int type, String event, int db, ByteKey key) {
        server.keyspaceEvents().notify(type, event, db, key, session, this::writeOwnMessage);
    }

    /** A message for this connection itself, written where Redis writes it: before the reply. */
    void writeOwnMessage(byte[] pattern, byte[] channel, byte[] payload) {
        PublishedMessage.write(reply, pattern, channel, payload);
    }

    /**
     * What replicas run for this command, when it is not the command itself: its effect, so that
     * they end byte-identical (VINCRBYFLOAT as the VSET of its result, VADD as the VWRITE of the
     * bytes appended). Several effects run in order.
     */
    public void propagateAs(Request... replacement) {
        effects = List.of(replacement);
    }

    /** The effects of the command for the write stream. */
    List<Request> effects() {
        return effects == null ? List.of(request) : effects;
    }

    /** Whether the handler named effects to replicate (even if it changed no key: FLUSHDB of an empty database). */
    boolean hasEffects() {
        return effects != null && !effects.isEmpty();
    }

    public static RedmapException syntaxError() {
        return RedmapException.err("syntax error");
    }
}

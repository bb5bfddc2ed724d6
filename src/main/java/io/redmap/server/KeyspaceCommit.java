package io.redmap.server;

import io.netty.buffer.ByteBuf;
import io.redmap.RedmapException;
import io.redmap.keyspace.Keyspace;
import io.redmap.keyspace.KeyspaceNotSaved;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The group commit of keyspace changes, and what a failed one means for the clients.
 *
 * <p>Changes are saved once per batch, before any reply acknowledges them. When the catalogue
 * cannot be written (disk full, the catalogue path made a directory, no descriptors left), the
 * keyspace undoes every change since the last save and refuses new ones; here, each connection
 * that made one of those changes learns which of its pending replies now get {@code -MISCONF}
 * instead. Reads, PING and every other client go on. The once-a-second task retries the save, and
 * the first that succeeds ends the refusal.
 */
public final class KeyspaceCommit {
    private final Keyspace keyspace;
    private final ReentrantLock lock;
    private final ServerStats stats;
    /** Sessions with changes not yet saved. Guarded by the command lock. */
    private final Set<ClientSession> owners = Collections.newSetFromMap(new IdentityHashMap<>());

    KeyspaceCommit(Keyspace keyspace, ReentrantLock commandLock, ServerStats stats) {
        this.keyspace = keyspace;
        this.lock = commandLock;
        this.stats = stats;
    }

    /**
     * After a command ran, under the command lock: if it changed the keyspace, notes where in the
     * session's pending replies its reply lies ({@code start} up to the buffer's end).
     *
     * @param changesBefore {@link Keyspace#changes()} before the command ran
     */
    public void replied(ClientSession session, long changesBefore, ByteBuf replies, int start) {
        long changes = keyspace.changes();
        if (changes != changesBefore && session.changeReplies().add(start, replies.writerIndex(), changes)) {
            owners.add(session);
        }
    }

    /**
     * Before a connection sends its pending replies: saves the keyspace's changes, and returns the
     * replies to send, those of changes that could not be saved replaced with {@code -MISCONF}.
     */
    ByteBuf beforeSending(ClientSession session, ByteBuf replies) {
        ChangeReplies marks = session == null ? null : session.changeReplies();
        if (!keyspace.hasUncommittedChanges() && (marks == null || marks.isEmpty())) {
            return replies;
        }
        lock.lock();
        try {
            commit();
            if (marks == null) {
                return replies;
            }
            ChangeReplies.Settled settled = marks.settle(replies);
            stats.errorReplies("MISCONF", settled.replaced());
            return settled.replies();
        } finally {
            lock.unlock();
        }
    }

    /**
     * On a replica, after a batch of the master's stream: writes its appends and saves its keyspace
     * changes (nobody waits for a reply: the master's connection gets none).
     */
    public void commitApplied(ClientSession master) {
        lock.lock();
        try {
            keyspace.store().flushPendingAppends();
            commit();
            master.changeReplies().settle(null);
            master.deferredAppends().written();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Saves at once, under the command lock the caller holds, a change whose reply does not lie in
     * the connection's pending replies (it follows a streamed reply of an EXEC).
     *
     * @param changesBefore {@link Keyspace#changes()} before the command ran
     * @return the error to reply instead when the change could not be saved and was undone, or null
     */
    public String saveNow(long changesBefore) {
        if (keyspace.changes() == changesBefore) {
            return null;
        }
        KeyspaceNotSaved failure = commit();
        return failure == null ? null : failure.replyText();
    }

    /**
     * Saves what changed (changes of a connection that went away before replying, and a batch
     * that another thread's commit has not covered); while the catalogue cannot be saved, tries
     * again. The once-a-second task calls this.
     */
    void commitOrRetry() {
        lock.lock();
        try {
            if (keyspace.notSavedReason() == null) {
                commit();
                return;
            }
            try {
                keyspace.save();
                Log.notice("The keyspace catalogue was saved again: commands that change the keyspace are accepted");
            } catch (KeyspaceNotSaved e) {
                Log.verbose("The keyspace catalogue still cannot be saved: " + e.reason());
            }
        } finally {
            lock.unlock();
        }
    }

    /** SAVE, and the final save of SHUTDOWN: writes the catalogue now. */
    void save() {
        lock.lock();
        try {
            boolean wasRefusing = keyspace.notSavedReason() != null;
            try {
                keyspace.save();
                owners.clear();
            } catch (KeyspaceNotSaved e) {
                undone(e);
                throw RedmapException.err("Errors writing the keyspace catalogue (" + e.reason() + "). Check the server log.");
            }
            if (wasRefusing) {
                Log.notice("The keyspace catalogue was saved again: commands that change the keyspace are accepted");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits under the command lock; a failure is the owners' -MISCONF, not the caller's exception.
     *
     * @return the failure, or null when the changes are saved
     */
    private KeyspaceNotSaved commit() {
        try {
            keyspace.commit();
            owners.clear();
        } catch (KeyspaceNotSaved e) {
            undone(e);
            return e;
        } catch (RuntimeException e) {
            // Saved, but unmapping what the changes let go of failed: the changes stand.
            owners.clear();
            Log.warning("After saving the keyspace catalogue, releasing unmapped files failed: " + e);
        }
        return null;
    }

    private void undone(KeyspaceNotSaved e) {
        for (ClientSession owner : owners) {
            owner.changeReplies().undone(e.firstUndone(), e.lastUndone(), e.replyText());
        }
        owners.clear();
        long count = e.lastUndone() - e.firstUndone() + 1;
        Log.warning("Errors writing the keyspace catalogue " + keyspace.catalogueFile() + " (" + e.reason() + "): "
                + (count > 0 ? count : 0)
                + " unsaved change(s) undone; commands that change the keyspace are refused until it can be saved");
        for (String problem : e.undoProblems()) {
            Log.warning("Undoing a change that could not be saved failed: " + problem);
        }
    }
}

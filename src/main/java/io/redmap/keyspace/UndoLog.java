package io.redmap.keyspace;

import java.util.ArrayList;
import java.util.List;

/**
 * The keyspace changes made since the catalogue was last saved, each with what takes it back and
 * what to let go of once it is saved. Changes are numbered from 1, for ever: a connection keeps
 * the number of a change with its reply, to know whether the change was saved or undone.
 *
 * <p>Undoing must restore the keyspace exactly, so a change releases nothing (unmaps no file)
 * until it is saved: a DEL keeps its array mapped until then, and its undo puts it back.
 */
final class UndoLog {
    private record Change(Runnable undo, Runnable release) {
    }

    private final List<Change> changes = new ArrayList<>();
    private long last;

    /** Notes a change just made; {@code release} (or null) runs once it is saved. */
    void record(Runnable undo, Runnable release) {
        changes.add(new Change(undo, release));
        last++;
    }

    /** The number of the last change ever made (0: none). */
    long last() {
        return last;
    }

    /** The number of the first change not yet saved. */
    long firstUnsaved() {
        return last - changes.size() + 1;
    }

    /** The changes were saved: releases what they let go of, in order. Every release runs, whatever fails. */
    void saved() {
        RuntimeException failure = null;
        for (Change change : changes) {
            if (change.release() == null) {
                continue;
            }
            try {
                change.release().run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        changes.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The changes could not be saved: takes them back, the last first, so that each undo finds the
     * keyspace as its change left it.
     *
     * @return what could not be undone (empty when all went well), for the log
     */
    List<String> undoAll() {
        List<String> problems = new ArrayList<>();
        for (Change change : changes.reversed()) {
            try {
                change.undo().run();
            } catch (RuntimeException e) {
                problems.add(String.valueOf(e));
            }
        }
        changes.clear();
        return problems;
    }
}

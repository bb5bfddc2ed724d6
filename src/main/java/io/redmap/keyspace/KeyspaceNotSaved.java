package io.redmap.keyspace;

import io.redmap.RedmapException;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * The catalogue could not be written, so the changes it should have saved were undone (changes
 * {@link #firstUndone()} to {@link #lastUndone()}; none when the first is past the last), and the
 * keyspace refuses changes until a save succeeds. Its reply is Redis's {@code -MISCONF}.
 */
public final class KeyspaceNotSaved extends RedmapException {
    private final String reason;
    private final long firstUndone;
    private final long lastUndone;
    private final List<String> undoProblems;

    KeyspaceNotSaved(String reason, long firstUndone, long lastUndone, List<String> undoProblems) {
        super("MISCONF", message(reason));
        this.reason = reason;
        this.firstUndone = firstUndone;
        this.lastUndone = lastUndone;
        this.undoProblems = List.copyOf(undoProblems);
    }

    /** The text after {@code MISCONF}, modelled on Redis's. */
    static String message(String reason) {
        return "Errors writing the keyspace catalogue (" + reason + "): commands that change the keyspace are "
                + "refused until it can be saved. Check the server log.";
    }

    /** Why the save failed, in a few words (the operating system's, mostly). */
    public String reason() {
        return reason;
    }

    public long firstUndone() {
        return firstUndone;
    }

    public long lastUndone() {
        return lastUndone;
    }

    /** Undo steps that failed; the keyspace may then differ from the catalogue. */
    public List<String> undoProblems() {
        return undoProblems;
    }

    /** A failure as the reply shows it: the system's words, without Java's class names. */
    static String reason(Throwable failure) {
        String text = switch (failure) {
            case AccessDeniedException e -> "Permission denied";
            case NoSuchFileException e -> "No such file or directory";
            case FileAlreadyExistsException e -> "File exists";
            case DirectoryNotEmptyException e -> "Directory not empty";
            case FileSystemException e when e.getReason() != null -> e.getReason();
            case OutOfMemoryError e -> "out of memory";
            default -> failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        };
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}

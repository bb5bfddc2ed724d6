package io.redmap.keyspace;

import io.redmap.store.ArrayStore;
import io.redmap.store.MappedArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A file that a writable MMAP created, and its size then: undoing that MMAP deletes the file again
 * if no key maps it any more and its size is unchanged, so that nothing of the MMAP is left on
 * disk. A file that was written to meanwhile (a VADD in the same pipeline) stays.
 */
record CreatedFile(Path path, long size) {
    /**
     * The file an MMAP is about to create, or null when it exists. Cheap on purpose (no real-path
     * resolution, no exception when missing): the open that follows resolves and checks the path,
     * and a wrong guess here only means a file that is not deleted, since {@link #after} finds
     * nothing at a path the open did not create.
     */
    static Path missing(ArrayStore store, String givenPath) {
        try {
            Path path = store.files().policy().dir().resolve(givenPath);
            return Files.exists(path) ? null : path;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** After the open: the file as it was created, or null when nothing was created. */
    static CreatedFile after(Path missing) {
        if (missing == null) {
            return null;
        }
        try {
            return new CreatedFile(missing, Files.size(missing));
        } catch (IOException e) {
            return null;
        }
    }

    /** Call after the array was closed. */
    void deleteIfUnchanged(ArrayStore store, MappedArray array) {
        if (store.files().openFiles().contains(array.file())) {
            return; // Another key maps it too.
        }
        try {
            if (Files.size(path) == size) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // An empty file left behind is harmless; the undo itself went well.
        }
    }
}

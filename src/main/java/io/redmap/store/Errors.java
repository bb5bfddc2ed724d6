package io.redmap.store;

import io.redmap.RedmapException;

/** The store's shared error replies (the module's texts). */
public final class Errors {
    public static final RedmapException NOT_WRITABLE = RedmapException.err("The file is not writable");

    private Errors() {
    }
}

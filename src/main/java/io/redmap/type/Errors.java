package io.redmap.type;

import io.redmap.RedmapException;

/** Shared error replies of the codecs (the module's texts). */
final class Errors {
    static final RedmapException VALUE_MUST_BE_INTEGER = RedmapException.err("value must be integer");

    private Errors() {
    }
}

package io.redmap.type;

import io.redmap.RedmapException;

/** Shared error replies of the codecs (the module's texts). */
final class Errors {
    static final RedmapException VALUE_MUST_BE_INTEGER = RedmapException.err("value must be integer");
    static final RedmapException OVERFLOW = RedmapException.err("increment or decrement would overflow");
    static final RedmapException NOT_FINITE = RedmapException.err("increment would produce NaN or Infinity");
    static final RedmapException NOT_FLOATING =
            RedmapException.err("VINCRBYFLOAT needs a floating-point type; use VINCRBY on integer types");

    private Errors() {
    }
}

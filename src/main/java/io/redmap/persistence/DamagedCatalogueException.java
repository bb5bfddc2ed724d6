package io.redmap.persistence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The catalogue has lines that cannot be read, and the server was not told to start without
 * them. Loading what can be read and saving would drop the damaged lines for good, so the start
 * stops here and the file is left exactly as it is, for a person to look at.
 */
public final class DamagedCatalogueException extends IOException {
    /** The message names at most this many lines: a file of random bytes has thousands. */
    private static final int NAMED_LINES = 20;

    public DamagedCatalogueException(Path file, List<String> damaged, int readable) {
        super(describe(file, damaged, readable));
    }

    private static String describe(Path file, List<String> damaged, int readable) {
        StringBuilder text = new StringBuilder("the keyspace catalogue ").append(file).append(" is damaged: ");
        text.append(String.join("; ", damaged.subList(0, Math.min(NAMED_LINES, damaged.size()))));
        if (damaged.size() > NAMED_LINES) {
            text.append("; and ").append(damaged.size() - NAMED_LINES).append(" more damaged lines");
        }
        return text.append(". The file is left as it is: repair or remove it, or start with "
                + "'catalogue-load-damaged yes' to load its readable entries (").append(readable)
                .append(") after a copy of the damaged file is kept beside it.").toString();
    }
}

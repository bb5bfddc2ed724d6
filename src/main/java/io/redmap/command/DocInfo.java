package io.redmap.command;

import java.util.ArrayList;
import java.util.List;

/**
 * What COMMAND DOCS tells about a command beyond its syntax, as Redis's command table does:
 * the version that introduced it, its later changes, and whether it is deprecated or internal.
 *
 * @param history pairs of (version, change), oldest first
 * @param deprecatedSince null unless deprecated
 * @param replacedBy what to use instead, in Redis's words ({@code `REPLICAOF`}), or null
 * @param syscmd an internal command (REPLCONF, PSYNC...)
 */
public record DocInfo(String since, List<List<String>> history, String deprecatedSince, String replacedBy,
                      boolean syscmd) {
    /** A redmap command: introduced with redmap 1.0.0. */
    static final DocInfo NEW = new DocInfo("1.0.0", List.of(), null, null, false);

    DocInfo since(String version) {
        return new DocInfo(version, history, deprecatedSince, replacedBy, syscmd);
    }

    DocInfo withHistory(String version, String change) {
        List<List<String>> more = new ArrayList<>(history);
        more.add(List.of(version, change));
        return new DocInfo(since, List.copyOf(more), deprecatedSince, replacedBy, syscmd);
    }

    DocInfo deprecated(String version, String replacement) {
        return new DocInfo(since, history, version, replacement, syscmd);
    }

    DocInfo asSyscmd() {
        return new DocInfo(since, history, deprecatedSince, replacedBy, true);
    }

    /** Redis's doc_flags, in its order. */
    List<String> docFlags() {
        List<String> flags = new ArrayList<>();
        if (deprecatedSince != null) {
            flags.add("deprecated");
        }
        if (syscmd) {
            flags.add("syscmd");
        }
        return flags;
    }
}

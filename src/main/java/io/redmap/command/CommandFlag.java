package io.redmap.command;

import java.util.Locale;

/** Command flags as COMMAND INFO reports them; some also steer the dispatcher. */
public enum CommandFlag {
    WRITE,
    READONLY,
    DENYOOM,
    ADMIN,
    /** Pub/Sub commands; the order of the constants is Redis's order in COMMAND INFO. */
    PUBSUB,
    NOSCRIPT,
    LOADING,
    STALE,
    FAST,
    /** Allowed before AUTH (AUTH, HELLO, QUIT...). */
    NO_AUTH,
    /** Not a write, yet replicated (PUBLISH reaches the replicas' subscribers). */
    MAY_REPLICATE,
    /** Refused inside MULTI (Redis: "Command not allowed inside a transaction"). */
    NO_MULTI,
    /** Executed at once inside MULTI instead of queued (EXEC, DISCARD, MULTI, WATCH...). */
    TRANSACTION_CONTROL,
    /** Touches no shared state: runs without the command lock (PING, ECHO). */
    LOCK_FREE,
    /**
     * An array command that raises a keyspace event of the module class ({@code d}) named after
     * itself, about the key it names, when it changed something (notify-keyspace-events).
     */
    ARRAY_EVENT;

    /** The name in COMMAND INFO; flags that are only ours are not shown. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean shownInCommandInfo() {
        return this != TRANSACTION_CONTROL && this != LOCK_FREE && this != ARRAY_EVENT;
    }
}

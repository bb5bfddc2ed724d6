package io.redmap.command;

import java.util.Locale;

/**
 * Command flags. Redis's are declared in the order its COMMAND INFO lists them
 * ({@code addReplyFlagsForCommand}); some also steer the dispatcher. Those Redis hides
 * (may_replicate, sentinel...) and those only redmap has are not shown.
 */
public enum CommandFlag {
    WRITE,
    READONLY,
    DENYOOM,
    ADMIN,
    PUBSUB,
    NOSCRIPT,
    /** May block the client (WAIT): the implied ACL category is {@code @blocking}. */
    BLOCKING,
    LOADING,
    STALE,
    SKIP_MONITOR,
    SKIP_SLOWLOG,
    ASKING,
    FAST,
    /** Allowed before AUTH (AUTH, HELLO, QUIT...). */
    NO_AUTH,
    /** Not a write, yet replicated (PUBLISH reaches the replicas' subscribers). Hidden, as in Redis. */
    MAY_REPLICATE,
    /** Also a Sentinel command in Redis. Hidden, as in Redis. */
    SENTINEL,
    NO_MANDATORY_KEYS,
    NO_ASYNC_LOADING,
    /** Refused inside MULTI (Redis: "Command not allowed inside a transaction"). */
    NO_MULTI,
    /** Keys found by a command-specific rule, not (only) by the first/last/step triple (MIGRATE). */
    MOVABLEKEYS,
    ALLOW_BUSY,
    /** Reaches keys it does not name (SCAN, KEYS' neighbours in Redis). Hidden, as in Redis. */
    TOUCHES_ARBITRARY_KEYS,
    /** Executed at once inside MULTI instead of queued (EXEC, DISCARD, MULTI, WATCH...). */
    TRANSACTION_CONTROL,
    /** Touches no shared state: runs without the command lock (PING, ECHO). */
    LOCK_FREE,
    /**
     * A read of one array key that may run without the command lock, validated against the
     * lock's sequence number afterwards and run again under the lock when anything changed
     * meanwhile (see {@link LockFreeReads}): VGET, VMGET, VREAD, VMREAD.
     */
    LOCK_FREE_READ,
    /**
     * An array command that raises a keyspace event of the module class ({@code d}) named after
     * itself, about the key it names, when it changed something (notify-keyspace-events).
     */
    ARRAY_EVENT;

    /** The name in COMMAND INFO. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean shownInCommandInfo() {
        return switch (this) {
            case MAY_REPLICATE, SENTINEL, TOUCHES_ARBITRARY_KEYS, TRANSACTION_CONTROL, LOCK_FREE, LOCK_FREE_READ, ARRAY_EVENT -> false;
            default -> true;
        };
    }
}

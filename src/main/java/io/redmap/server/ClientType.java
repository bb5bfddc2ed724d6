package io.redmap.server;

import java.util.Locale;

/**
 * What a connection is to the server, as CLIENT LIST TYPE and CLIENT KILL TYPE select it.
 * A connection with a subscription is PUBSUB; replication will make some REPLICA or MASTER (the
 * link to our master), through {@link ClientSession#type()}.
 */
public enum ClientType {
    NORMAL, REPLICA, PUBSUB, MASTER;

    /** The type named in a command, in any case ("slave" is REPLICA's old name), or null. */
    public static ClientType byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> NORMAL;
            case "replica", "slave" -> REPLICA;
            case "pubsub" -> PUBSUB;
            case "master" -> MASTER;
            default -> null;
        };
    }
}

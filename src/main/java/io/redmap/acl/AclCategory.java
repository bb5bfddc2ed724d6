package io.redmap.acl;

import java.util.Locale;

/**
 * The ACL categories of Redis 7 (in the order {@code ACL CAT} lists them) and redmap's own
 * {@code @array}. A command's categories come from the command table: some follow from its
 * flags, as Redis derives them, the others are declared with the command.
 */
public enum AclCategory {
    KEYSPACE,
    READ,
    WRITE,
    SET,
    SORTEDSET,
    LIST,
    HASH,
    STRING,
    BITMAP,
    HYPERLOGLOG,
    GEO,
    STREAM,
    PUBSUB,
    ADMIN,
    FAST,
    SLOW,
    BLOCKING,
    DANGEROUS,
    CONNECTION,
    TRANSACTION,
    SCRIPTING,
    /** redmap's array commands (VGET, MMAP...). */
    ARRAY;

    /** The name without '@', as ACL CAT lists it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The category named {@code name} (without '@', any case), or null. */
    public static AclCategory named(String name) {
        for (AclCategory category : values()) {
            if (category.name().equalsIgnoreCase(name)) {
                return category;
            }
        }
        return null;
    }
}

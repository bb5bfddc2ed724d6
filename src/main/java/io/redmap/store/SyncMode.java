package io.redmap.store;

import java.util.Locale;

/** {@code mmap-sync}: when writes to arrays reach the disk (the appendfsync of arrays). */
public enum SyncMode {
    /** Before the reply: an acknowledged write survives kill -9 and power loss. */
    ALWAYS,
    /** Once a second, in the background. */
    EVERYSEC,
    /** When the kernel decides. */
    NO;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the mode, or null for an unknown name */
    public static SyncMode find(String name) {
        for (SyncMode mode : values()) {
            if (mode.configName().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        return null;
    }
}

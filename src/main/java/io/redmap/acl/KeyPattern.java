package io.redmap.acl;

import java.nio.charset.StandardCharsets;

/**
 * A key pattern of a selector with the access it grants: {@code ~p} both, {@code %R~p} reading,
 * {@code %W~p} writing.
 */
record KeyPattern(String text, int access, Glob glob) {
    static final int READ = 1;
    static final int WRITE = 2;
    static final int ALL = READ | WRITE;

    static KeyPattern of(String text, int access) {
        return new KeyPattern(text, access, new Glob(text.getBytes(StandardCharsets.UTF_8)));
    }

    KeyPattern withAccess(int more) {
        return new KeyPattern(text, access | more, glob);
    }

    /** Whether this pattern grants {@code needed} (READ, WRITE or both) on the key. */
    boolean allows(byte[] key, int needed) {
        return (access & needed) == needed && glob.matches(key);
    }

    /** As ACL LIST and GETUSER show it. */
    String describe() {
        return switch (access) {
            case READ -> "%R~" + text;
            case WRITE -> "%W~" + text;
            default -> "~" + text;
        };
    }
}

package io.redmap.acl;

import io.redmap.glob.GlobMatcher;

/**
 * A key or channel pattern of an ACL rule, compiled once: Redis's glob ({@code * ? [a-z] [^a] \x},
 * case-sensitive, as {@code stringmatchlen}). The common shapes ({@code *}, {@code prefix*}, a
 * literal name) are decided without the general matcher: the check runs on every command of a
 * restricted user; the others go to the matcher KEYS and PSUBSCRIBE use.
 */
final class Glob {
    private enum Shape { ANY, PREFIX, LITERAL, GENERAL }

    private final byte[] pattern;
    private final Shape shape;
    /** For PREFIX: the bytes before the final '*'. */
    private final byte[] prefix;

    Glob(byte[] pattern) {
        this.pattern = pattern;
        int special = firstSpecial(pattern);
        if (pattern.length == 1 && pattern[0] == '*') {
            shape = Shape.ANY;
            prefix = null;
        } else if (special < 0) {
            shape = Shape.LITERAL;
            prefix = null;
        } else if (special == pattern.length - 1 && pattern[special] == '*') {
            shape = Shape.PREFIX;
            prefix = java.util.Arrays.copyOf(pattern, special);
        } else {
            shape = Shape.GENERAL;
            prefix = null;
        }
    }

    private static int firstSpecial(byte[] pattern) {
        for (int i = 0; i < pattern.length; i++) {
            byte b = pattern[i];
            if (b == '*' || b == '?' || b == '[' || b == '\\') {
                return i;
            }
        }
        return -1;
    }

    byte[] pattern() {
        return pattern;
    }

    boolean matches(byte[] text) {
        return switch (shape) {
            case ANY -> true;
            case LITERAL -> java.util.Arrays.equals(pattern, text);
            case PREFIX -> text.length >= prefix.length
                    && java.util.Arrays.equals(text, 0, prefix.length, prefix, 0, prefix.length);
            case GENERAL -> GlobMatcher.matchesCaseSensitive(pattern, text);
        };
    }
}

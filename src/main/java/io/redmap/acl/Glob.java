package io.redmap.acl;

/**
 * A key or channel pattern of an ACL rule, compiled once: Redis's glob ({@code * ? [a-z] [^a] \x},
 * case-sensitive, as {@code stringmatchlen}). The common shapes ({@code *}, {@code prefix*}, a
 * literal name) are decided without the general matcher: the check runs on every command of a
 * restricted user.
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
            case GENERAL -> match(pattern, 0, text, 0, 0);
        };
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, int depth) {
        if (depth > 1000) {
            return false; // a hostile pattern of many stars must not exhaust the stack
        }
        while (pi < p.length) {
            byte c = p[pi];
            if (c == '*') {
                while (pi + 1 < p.length && p[pi + 1] == '*') {
                    pi++;
                }
                if (pi + 1 == p.length) {
                    return true;
                }
                for (int k = si; k <= s.length; k++) {
                    if (match(p, pi + 1, s, k, depth + 1)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length) {
                return false;
            }
            if (c == '?') {
                si++;
                pi++;
                continue;
            }
            if (c == '[') {
                int end = classEnd(p, pi);
                if (!inClass(p, pi + 1, end, s[si])) {
                    return false;
                }
                pi = end + 1;
                si++;
                continue;
            }
            if (c == '\\' && pi + 1 < p.length) {
                c = p[++pi];
            }
            if (c != s[si]) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length;
    }

    /** The index of the ']' closing the class opened at {@code open}, or the pattern's length if none does. */
    private static int classEnd(byte[] p, int open) {
        int i = open + 1;
        if (i < p.length && p[i] == '^') {
            i++;
        }
        while (i < p.length && p[i] != ']') {
            i += p[i] == '\\' && i + 1 < p.length ? 2 : 1;
        }
        return Math.min(i, p.length);
    }

    /** Whether {@code b} is in the class {@code p[from, end)} ({@code ^} negates, {@code a-z} ranges, {@code \\} escapes). */
    private static boolean inClass(byte[] p, int from, int end, byte b) {
        boolean not = from < end && p[from] == '^';
        boolean found = false;
        for (int i = not ? from + 1 : from; i < end; ) {
            if (p[i] == '\\' && i + 1 < end) {
                found |= p[i + 1] == b;
                i += 2;
            } else if (i + 2 < end && p[i + 1] == '-') {
                int lo = Math.min(p[i] & 0xff, p[i + 2] & 0xff);
                int hi = Math.max(p[i] & 0xff, p[i + 2] & 0xff);
                found |= (b & 0xff) >= lo && (b & 0xff) <= hi;
                i += 3;
            } else {
                found |= p[i] == b;
                i++;
            }
        }
        return not != found;
    }
}

package io.redmap.glob;

/** Redis's glob-style patterns (KEYS, SCAN MATCH, CONFIG GET, channel patterns, ACL key and channel patterns): * ? [abc] [^a] [a-z] and \ escapes. */
public final class GlobMatcher {
    private GlobMatcher() {
    }

    /** Channel patterns (PSUBSCRIBE, PUBSUB CHANNELS) match case-sensitively. */
    public static boolean matchesCaseSensitive(byte[] pattern, byte[] text) {
        return matches(pattern, text, false);
    }

    public static boolean matches(byte[] pattern, byte[] text, boolean ignoreCase) {
        return match(pattern, 0, text, 0, ignoreCase, 0);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth) {
        if (depth > 1000) {
            return false; // Guards the stack against hostile patterns such as "**********...".
        }
        while (pi < p.length) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (int k = si; k <= s.length; k++) {
                        if (match(p, pi + 1, s, k, nocase, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean found = false;
                    while (pi < p.length && p[pi] != ']') {
                        if (p[pi] == '\\' && pi + 1 < p.length) {
                            pi++;
                            found |= same(p[pi], s[si], nocase);
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int start = fold(p[pi], nocase);
                            int end = fold(p[pi + 2], nocase);
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            int c = fold(s[si], nocase);
                            found |= c >= start && c <= end;
                            pi += 2;
                        } else {
                            found |= same(p[pi], s[si], nocase);
                        }
                        pi++;
                    }
                    if (found == not) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (si >= s.length || !same(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= s.length || !same(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        return si == s.length;
    }

    private static boolean same(byte a, byte b, boolean nocase) {
        return fold(a, nocase) == fold(b, nocase);
    }

    private static int fold(byte c, boolean nocase) {
        int v = c & 0xff;
        return nocase && v >= 'A' && v <= 'Z' ? v + 32 : v;
    }
}

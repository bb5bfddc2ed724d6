package io.redmap.acl;

/**
 * A refused request: why, and the word that was refused (the key or channel; 0 for the command).
 */
public record Denial(Reason reason, int argIndex) {

    /** In the order of relevance Redis gives them when no selector allows a request. */
    public enum Reason {
        COMMAND("command"), KEY("key"), CHANNEL("channel"), AUTH("auth"),
        /** redmap's own: a file outside the user's {@code mmapdir:} directories. */
        MMAPDIR("mmapdir");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        /** As ACL LOG's {@code reason} field shows it. */
        public String wireName() {
            return wireName;
        }
    }
}

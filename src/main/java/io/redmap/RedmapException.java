package io.redmap;

/**
 * The one error a command, the store or the keyspace throws to refuse a request.
 *
 * <p>It carries a Redis error code ({@code ERR}, {@code WRONGTYPE}, {@code NOAUTH}...) and the
 * message that follows it; a single place in the server turns it into {@code -CODE message}.
 * Stack traces are not filled in: these are answers to clients, not bugs.
 */
public class RedmapException extends RuntimeException {
    private final String code;

    public RedmapException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** An {@code ERR} error: the generic code that most refusals use. */
    public static RedmapException err(String message) {
        return new RedmapException("ERR", message);
    }

    public String code() {
        return code;
    }

    /** The reply line without its leading '-': {@code CODE message}. */
    public String replyText() {
        return code + " " + getMessage();
    }
}

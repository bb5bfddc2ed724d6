package io.redmap.client;

/**
 * A read or write that does not fit the key's element type or shape: a {@code float[]} for a
 * {@code double} key, a row of 3 values for rows of 4. Thrown by the client before it sends the
 * data, so that nothing on the server changes. Errors the server replies stay Jedis's
 * {@code JedisDataException}, with the server's text.
 */
public class RedmapTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RedmapTypeException(String message) {
        super(message);
    }
}

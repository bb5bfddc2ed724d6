package io.redmap.pubsub;

/**
 * A connection that can subscribe: it keeps its own subscriptions and takes the messages
 * published to them. The registry calls {@link #deliver} with the command lock held, on the
 * publisher's thread: an implementation hands the bytes to its own network thread.
 */
public interface Subscriber {
    Subscriptions subscriptions();

    /**
     * A message for this subscriber.
     *
     * @param pattern the pattern it matched, or null for a channel subscription
     */
    void deliver(byte[] pattern, byte[] channel, byte[] payload);
}

package io.redmap.pubsub;

import io.redmap.keyspace.ByteKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's channels and patterns, each with its subscribers, as Redis's
 * {@code server.pubsub_channels} and {@code server.pubsub_patterns}. Every call is made with the
 * command lock held, so nothing here synchronises.
 */
public final class PubSub {
    /** Redis's glob matching, given from above so that this package needs nothing of command/. */
    @FunctionalInterface
    public interface Matcher {
        boolean matches(byte[] pattern, byte[] text);
    }

    /** Where the publisher's own messages go: into its reply, ahead of it, as Redis writes them. */
    @FunctionalInterface
    public interface Delivery {
        void deliver(byte[] pattern, byte[] channel, byte[] payload);
    }

    private final Matcher matcher;
    private final Map<ByteKey, Set<Subscriber>> channels = new LinkedHashMap<>();
    private final Map<ByteKey, Set<Subscriber>> patterns = new LinkedHashMap<>();

    public PubSub(Matcher matcher) {
        this.matcher = matcher;
    }

    /** Returns the subscriber's subscription count afterwards, as SUBSCRIBE confirms it. */
    public int subscribe(Subscriber subscriber, byte[] channel) {
        ByteKey key = ByteKey.wrap(channel);
        if (subscriber.subscriptions().addChannel(key)) {
            channels.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(subscriber);
        }
        return subscriber.subscriptions().total();
    }

    public int unsubscribe(Subscriber subscriber, byte[] channel) {
        ByteKey key = ByteKey.wrap(channel);
        if (subscriber.subscriptions().removeChannel(key)) {
            removeFrom(channels, key, subscriber);
        }
        return subscriber.subscriptions().total();
    }

    public int psubscribe(Subscriber subscriber, byte[] pattern) {
        ByteKey key = ByteKey.wrap(pattern);
        if (subscriber.subscriptions().addPattern(key)) {
            patterns.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(subscriber);
        }
        return subscriber.subscriptions().total();
    }

    public int punsubscribe(Subscriber subscriber, byte[] pattern) {
        ByteKey key = ByteKey.wrap(pattern);
        if (subscriber.subscriptions().removePattern(key)) {
            removeFrom(patterns, key, subscriber);
        }
        return subscriber.subscriptions().total();
    }

    private static void removeFrom(Map<ByteKey, Set<Subscriber>> map, ByteKey key, Subscriber subscriber) {
        Set<Subscriber> subscribers = map.get(key);
        if (subscribers != null && subscribers.remove(subscriber) && subscribers.isEmpty()) {
            map.remove(key);
        }
    }

    /** The subscriber's channels, for UNSUBSCRIBE with no argument. */
    public List<byte[]> channelsOf(Subscriber subscriber) {
        return subscriber.subscriptions().channels().stream().map(ByteKey::bytes).toList();
    }

    public List<byte[]> patternsOf(Subscriber subscriber) {
        return subscriber.subscriptions().patterns().stream().map(ByteKey::bytes).toList();
    }

    /** Drops every subscription of a connection that RESET or closed. */
    public void dropAll(Subscriber subscriber) {
        for (byte[] channel : channelsOf(subscriber)) {
            unsubscribe(subscriber, channel);
        }
        for (byte[] pattern : patternsOf(subscriber)) {
            punsubscribe(subscriber, pattern);
        }
    }

    /**
     * Delivers a message to the channel's subscribers, then to those of each matching pattern,
     * and returns how many deliveries were made (a client on the channel and on a matching
     * pattern counts, and receives, twice, as in Redis).
     */
    public int publish(byte[] channel, byte[] payload) {
        return publish(channel, payload, null, null);
    }

    /**
     * As {@link #publish(byte[], byte[])}; a message for {@code publisher} itself (a RESP3 client
     * subscribed to what it publishes) goes to {@code inline} instead, so that it comes before
     * the command's reply as in Redis rather than after it.
     */
    public int publish(byte[] channel, byte[] payload, Subscriber publisher, Delivery inline) {
        int receivers = 0;
        Set<Subscriber> direct = channels.get(ByteKey.wrap(channel));
        if (direct != null) {
            for (Subscriber subscriber : direct) {
                deliver(subscriber, null, channel, payload, publisher, inline);
                receivers++;
            }
        }
        for (var entry : patterns.entrySet()) {
            byte[] pattern = entry.getKey().bytes();
            if (matcher.matches(pattern, channel)) {
                for (Subscriber subscriber : entry.getValue()) {
                    deliver(subscriber, pattern, channel, payload, publisher, inline);
                    receivers++;
                }
            }
        }
        return receivers;
    }

    private static void deliver(Subscriber subscriber, byte[] pattern, byte[] channel, byte[] payload,
                                Subscriber publisher, Delivery inline) {
        if (subscriber == publisher && inline != null) {
            inline.deliver(pattern, channel, payload);
        } else {
            subscriber.deliver(pattern, channel, payload);
        }
    }

    /** PUBSUB CHANNELS: the channels with at least one subscriber, matching the pattern if given. */
    public List<byte[]> activeChannels(byte[] pattern) {
        List<byte[]> active = new ArrayList<>();
        for (ByteKey channel : channels.keySet()) {
            if (pattern == null || matcher.matches(pattern, channel.bytes())) {
                active.add(channel.bytes());
            }
        }
        return active;
    }

    /** PUBSUB NUMSUB: the channel's subscriber count. */
    public int subscriberCount(byte[] channel) {
        Set<Subscriber> subscribers = channels.get(ByteKey.wrap(channel));
        return subscribers == null ? 0 : subscribers.size();
    }

    /** INFO's pubsub_channels: how many channels have subscribers. */
    public int channelCount() {
        return channels.size();
    }

    /** PUBSUB NUMPAT: how many distinct patterns have subscribers. */
    public int patternCount() {
        return patterns.size();
    }
}

package io.redmap.pubsub;

import io.redmap.keyspace.ByteKey;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One connection's channels and patterns, in the order subscribed (UNSUBSCRIBE with no argument
 * answers in that order). Changed under the command lock; the counts are also read without it
 * (CLIENT LIST, the subscribed-mode check, PING), hence volatile.
 */
public final class Subscriptions {
    private final Set<ByteKey> channels = new LinkedHashSet<>();
    private final Set<ByteKey> patterns = new LinkedHashSet<>();
    private volatile int channelCount;
    private volatile int patternCount;

    boolean addChannel(ByteKey channel) {
        boolean added = channels.add(channel);
        channelCount = channels.size();
        return added;
    }

    boolean removeChannel(ByteKey channel) {
        boolean removed = channels.remove(channel);
        channelCount = channels.size();
        return removed;
    }

    boolean addPattern(ByteKey pattern) {
        boolean added = patterns.add(pattern);
        patternCount = patterns.size();
        return added;
    }

    boolean removePattern(ByteKey pattern) {
        boolean removed = patterns.remove(pattern);
        patternCount = patterns.size();
        return removed;
    }

    public List<ByteKey> channels() {
        return new ArrayList<>(channels);
    }

    public List<ByteKey> patterns() {
        return new ArrayList<>(patterns);
    }

    /** CLIENT LIST's {@code sub=}. */
    public int channelCount() {
        return channelCount;
    }

    /** CLIENT LIST's {@code psub=}. */
    public int patternCount() {
        return patternCount;
    }

    /** The count each (un)subscribe confirmation carries: channels and patterns together. */
    public int total() {
        return channelCount + patternCount;
    }

    /** Whether the connection is a subscriber (Redis's CLIENT_PUBSUB flag). */
    public boolean any() {
        return total() > 0;
    }
}

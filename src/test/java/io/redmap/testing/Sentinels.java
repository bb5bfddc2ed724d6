package io.redmap.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Several {@link SentinelProcess}es watching the same master, as a deployment runs them; closing
 * the group closes each. {@link #logs()} gathers every log for a failure message.
 */
public final class Sentinels implements AutoCloseable {
    private final List<SentinelProcess> sentinels;

    private Sentinels(List<SentinelProcess> sentinels) {
        this.sentinels = sentinels;
    }

    /** Starts {@code count} Sentinels with the same settings (see {@link SentinelProcess#start}). */
    public static Sentinels start(int count, String masterName, int masterPort, int quorum, Duration downAfter,
            String... extraLines) {
        List<SentinelProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(SentinelProcess.start(masterName, masterPort, quorum, downAfter, extraLines));
            }
        } catch (RuntimeException | Error e) {
            started.forEach(SentinelProcess::close);
            throw e;
        }
        return new Sentinels(List.copyOf(started));
    }

    public List<SentinelProcess> all() {
        return sentinels;
    }

    public SentinelProcess get(int index) {
        return sentinels.get(index);
    }

    /** {@code host:port} of each, as clients are given them (JedisSentinelPool, redis-py). */
    public List<String> addresses() {
        return sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port()).toList();
    }

    /** Waits until every Sentinel's {@code SENTINEL MASTER} satisfies {@code condition}. */
    public void awaitEach(Predicate<Map<String, String>> condition, String description, Duration timeout) {
        for (SentinelProcess sentinel : sentinels) {
            Poll.until(timeout, description + " (sentinel on port " + sentinel.port() + ")", sentinel::info, condition,
                    this::logs);
        }
    }

    /** Every Sentinel's log, each under a heading. */
    public String logs() {
        return sentinels.stream().map(SentinelProcess::logs).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        sentinels.forEach(SentinelProcess::close);
    }
}

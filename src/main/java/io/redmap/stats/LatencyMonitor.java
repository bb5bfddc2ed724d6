package io.redmap.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latency monitor of LATENCY LATEST/HISTORY/RESET/DOCTOR, as Redis's latency.c keeps it: per
 * event, the last 160 samples at most one a second (the worst of that second) and the worst ever.
 * Events are recorded only when they take at least {@code latency-monitor-threshold} milliseconds.
 */
public final class LatencyMonitor {
    static final int HISTORY = 160;

    /** One sample: when (unix seconds) and how long (milliseconds). */
    public record Sample(long unixSeconds, long millis) {
    }

    /** An event's latest sample and its worst ever, for LATENCY LATEST. */
    public record Latest(String event, Sample latest, long max) {
    }

    /** The samples of one event in a ring, oldest overwritten first. */
    private static final class Series {
        final long[] times = new long[HISTORY];
        final long[] millis = new long[HISTORY];
        int next;
        long max;

        void add(long now, long latency) {
            max = Math.max(max, latency);
            int previous = (next + HISTORY - 1) % HISTORY;
            if (times[previous] == now) {
                millis[previous] = Math.max(millis[previous], latency);
                return;
            }
            times[next] = now;
            millis[next] = latency;
            next = (next + 1) % HISTORY;
        }

        List<Sample> samples() {
            List<Sample> samples = new ArrayList<>();
            for (int j = 0; j < HISTORY; j++) {
                int i = (next + j) % HISTORY;
                if (times[i] != 0) {
                    samples.add(new Sample(times[i], millis[i]));
                }
            }
            return samples;
        }

        Sample latest() {
            int last = (next + HISTORY - 1) % HISTORY;
            return new Sample(times[last], millis[last]);
        }
    }

    private final Map<String, Series> events = new LinkedHashMap<>();

    /** Adds a sample of {@code event} (the caller checked the threshold). */
    public synchronized void add(String event, long millis) {
        events.computeIfAbsent(event, name -> new Series()).add(System.currentTimeMillis() / 1000, millis);
    }

    public synchronized List<Latest> latest() {
        List<Latest> latest = new ArrayList<>();
        events.forEach((event, series) -> latest.add(new Latest(event, series.latest(), series.max)));
        return latest;
    }

    /** The event's samples, oldest first; empty for an event never seen. */
    public synchronized List<Sample> history(String event) {
        Series series = events.get(event);
        return series == null ? List.of() : series.samples();
    }

    /** The worst latency ever seen of an event since its last reset. */
    synchronized long max(String event) {
        Series series = events.get(event);
        return series == null ? 0 : series.max;
    }

    /** Forgets one event (its name in any case, as Redis compares it); returns how many were forgotten. */
    public synchronized int reset(String event) {
        return events.keySet().removeIf(name -> name.equalsIgnoreCase(event)) ? 1 : 0;
    }

    /** Forgets every event; returns how many there were. */
    public synchronized int resetAll() {
        int count = events.size();
        events.clear();
        return count;
    }

    synchronized List<String> eventNames() {
        return new ArrayList<>(events.keySet());
    }
}

package io.redmap.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Error replies by their code, for {@code INFO errorstats}: the first word of the reply, as Redis
 * takes it ({@code WRONGTYPE}, {@code NOAUTH}), or {@code ERR} when the first word is too long to
 * be a code. CONFIG RESETSTAT clears them.
 */
public final class ErrorStats {
    /** Redis looks for the space after the code in the first 32 bytes of the reply, its '-' included. */
    private static final int LONGEST_CODE = 30;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** One error reply, its text without the leading '-' ({@code CODE message}). */
    public void count(String replyText) {
        count(code(replyText), 1);
    }

    /** {@code times} error replies of one code. */
    public void count(String code, long times) {
        if (times > 0) {
            counts.computeIfAbsent(code, name -> new LongAdder()).add(times);
        }
    }

    static String code(String replyText) {
        int space = replyText.indexOf(' ');
        return space <= 0 || space > LONGEST_CODE ? "ERR" : replyText.substring(0, space);
    }

    /** The counts by code, in Redis's order (its rax tree sorts codes by their bytes). */
    public Map<String, Long> snapshot() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((code, count) -> sorted.put(code, count.sum()));
        return sorted;
    }

    public void reset() {
        counts.clear();
    }
}

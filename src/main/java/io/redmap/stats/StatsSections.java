package io.redmap.stats;

import org.HdrHistogram.AbstractHistogram;

import java.util.Locale;
import java.util.Map;

/**
 * The text of INFO's {@code # Commandstats}, {@code # Errorstats} and {@code # Latencystats}
 * sections, line for line as Redis 7 writes them (genRedisInfoStringCommandStats and its siblings).
 */
public final class StatsSections {
    private StatsSections() {
    }

    /** {@code cmdstat_get:calls=1,usec=7,usec_per_call=7.00,rejected_calls=0,failed_calls=0}, for commands used. */
    public static void commandStats(CommandStats stats, StringBuilder out) {
        for (CommandCounters command : stats.all()) {
            long calls = command.calls();
            long rejected = command.rejectedCalls();
            long failed = command.failedCalls();
            if (calls == 0 && rejected == 0 && failed == 0) {
                continue;
            }
            long nanos = command.nanos();
            out.append("cmdstat_").append(safe(command.name()))
                    .append(":calls=").append(calls)
                    .append(",usec=").append(nanos / 1000)
                    .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : nanos / 1000.0 / calls))
                    .append(",rejected_calls=").append(rejected)
                    .append(",failed_calls=").append(failed)
                    .append("\r\n");
        }
    }

    /** {@code errorstat_WRONGTYPE:count=2}, by code in byte order. */
    public static void errorStats(ErrorStats errors, StringBuilder out) {
        for (Map.Entry<String, Long> error : errors.snapshot().entrySet()) {
            out.append("errorstat_").append(safe(error.getKey())).append(":count=").append(error.getValue()).append("\r\n");
        }
    }

    /**
     * {@code latency_percentiles_usec_get:p50=7.007,p99=7.007,p99.9=7.007}, for commands timed while
     * latency-tracking was on; nothing at all while it is off.
     */
    public static void latencyStats(CommandStats stats, boolean tracking, double[] percentiles, StringBuilder out) {
        if (!tracking) {
            return;
        }
        for (CommandCounters command : stats.all()) {
            AbstractHistogram histogram = command.latency();
            if (histogram == null) {
                continue;
            }
            out.append("latency_percentiles_usec_").append(safe(command.name())).append(':');
            for (int i = 0; i < percentiles.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append('p').append(percentileName(percentiles[i])).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", histogram.getValueAtPercentile(percentiles[i]) / 1000.0));
            }
            out.append("\r\n");
        }
    }

    /** A percentile as Redis prints it: {@code %f} with trailing zeros (and a bare point) trimmed. */
    public static String percentileName(double percentile) {
        String text = String.format(Locale.ROOT, "%f", percentile);
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (text.charAt(end - 1) == '.') {
            end--;
        }
        return text.substring(0, end);
    }

    /** Redis's getSafeInfoString: the characters that would break INFO's format become '_'. */
    static String safe(String name) {
        StringBuilder safe = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '#' || c == ':' || c == '\n' || c == '\r') {
                if (safe == null) {
                    safe = new StringBuilder(name);
                }
                safe.setCharAt(i, '_');
            }
        }
        return safe == null ? name : safe.toString();
    }
}

package io.redmap.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@code latency-tracking-info-percentiles}: the percentiles INFO latencystats shows, checked as Redis checks them. */
public final class LatencyPercentiles {
    /** What Redis's string2d accepts: a plain decimal number, no hex, no NaN, no suffix. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private LatencyPercentiles() {
    }

    /** The option's normal form ({@code 50 99 99.9}), or Redis's error for a bad value. */
    public static String normalize(String value) {
        List<String> names = new ArrayList<>();
        for (double percentile : parse(value)) {
            names.add(StatsSections.percentileName(percentile));
        }
        return String.join(" ", names);
    }

    /** The percentiles of a value in normal form; none for an empty one. */
    static double[] parse(String value) {
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            return new double[0];
        }
        String[] words = trimmed.split("\\s+");
        double[] percentiles = new double[words.length];
        for (int i = 0; i < words.length; i++) {
            if (!NUMBER.matcher(words[i]).matches()) {
                throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
            }
            percentiles[i] = Double.parseDouble(words[i]);
            if (percentiles[i] < 0.0 || percentiles[i] > 100.0) {
                throw new IllegalArgumentException(
                        "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
        }
        return percentiles;
    }
}

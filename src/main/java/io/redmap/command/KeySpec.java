package io.redmap.command;

/**
 * Where a command's keys are, Redis's (first, last, step) triple: {@code last} is negative to
 * count from the end ({@code -1}: up to the last argument). (0, 0, 0) means no keys.
 */
public record KeySpec(int first, int last, int step) {
    public static final KeySpec NONE = new KeySpec(0, 0, 0);
    public static final KeySpec FIRST = new KeySpec(1, 1, 1);
    public static final KeySpec ALL = new KeySpec(1, -1, 1);

    public boolean hasKeys() {
        return first > 0;
    }

    /** The argument positions of the keys in a request of {@code argc} words. */
    public int[] positions(int argc) {
        if (!hasKeys() || first >= argc) {
            return new int[0];
        }
        int end = last < 0 ? argc + last : Math.min(last, argc - 1);
        if (end < first) {
            return new int[0];
        }
        int[] positions = new int[(end - first) / step + 1];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = first + i * step;
        }
        return positions;
    }
}

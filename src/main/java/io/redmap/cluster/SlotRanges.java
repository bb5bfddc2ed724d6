package io.redmap.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Slot sets as the configuration writes them ({@code 0-5460}, {@code 0-100,200-300,7000}) and as ranges. */
public final class SlotRanges {
    private SlotRanges() {
    }

    /** A set of slots from its text; refused with the reason when a part is not a slot or a range of them. */
    public static BitSet parse(String text) {
        BitSet slots = new BitSet(SlotHash.SLOTS);
        for (String part : text.split(",", -1)) { // -1: a trailing or lone comma is an empty part, refused
            String[] bounds = part.strip().split("-", -1);
            if (bounds.length > 2 || bounds[0].isEmpty()) {
                throw new IllegalArgumentException("'" + part + "' is not a slot or a range of slots such as 0-5460");
            }
            int first = slot(bounds[0], part);
            int last = bounds.length == 2 ? slot(bounds[1], part) : first;
            if (last < first) {
                throw new IllegalArgumentException("the range '" + part + "' ends before it starts");
            }
            slots.set(first, last + 1);
        }
        return slots;
    }

    private static int slot(String text, String part) {
        try {
            int slot = Integer.parseInt(text.strip());
            if (slot >= 0 && slot < SlotHash.SLOTS) {
                return slot;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + part + "' is not a slot or a range of slots 0-16383");
    }

    /** The set as {start, end} pairs, in order. */
    public static List<int[]> ranges(BitSet slots) {
        List<int[]> ranges = new ArrayList<>();
        for (int start = slots.nextSetBit(0); start >= 0; ) {
            int end = slots.nextClearBit(start) - 1;
            ranges.add(new int[] {start, end});
            start = end + 1 < SlotHash.SLOTS ? slots.nextSetBit(end + 1) : -1;
        }
        return ranges;
    }

    /** The set as Redis writes it in CLUSTER NODES: {@code 0-5460 7000} (ranges, single slots alone). */
    public static String format(BitSet slots, String separator) {
        StringBuilder text = new StringBuilder();
        for (int[] range : ranges(slots)) {
            if (!text.isEmpty()) {
                text.append(separator);
            }
            text.append(range[0]);
            if (range[1] != range[0]) {
                text.append('-').append(range[1]);
            }
        }
        return text.toString();
    }
}

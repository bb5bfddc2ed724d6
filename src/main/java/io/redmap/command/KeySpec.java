package io.redmap.command;

import io.redmap.protocol.Request;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a command's keys are: Redis 7's key specs ({@link Range}: flags such as {@code RW
 * access delete}, where the search begins, how many keys follow) and the legacy
 * (first, last, step) triple that COMMAND INFO derives from them, {@code last} negative to count
 * from the end. (0, 0, 0) with no ranges means no keys.
 *
 * @param finder for commands whose keys a rule finds (MIGRATE's {@code KEYS}), as Redis's
 *     getkeys_proc; null when the triple says it all
 */
public record KeySpec(int first, int last, int step, List<Range> ranges, Finder finder) {
    public static final KeySpec NONE = new KeySpec(0, 0, 0, List.of(), null);
    /** The first argument; flags follow from the command's WRITE/READONLY unless given ({@link #atFirst(String...)}). */
    public static final KeySpec FIRST = atFirst();
    /** Every argument from the first. */
    public static final KeySpec ALL = fromFirst();

    /** The positions of the keys in a request, for commands with a {@link #finder}. */
    @FunctionalInterface
    public interface Finder {
        int[] positions(Request request);
    }

    /**
     * One key spec as Redis writes it in COMMAND INFO.
     *
     * @param flags Redis's spelling: {@code RO RW OW RM} upper case, {@code access update insert
     *     delete not_key incomplete variable_flags} lower case, in that order
     * @param index begin_search by index: the argument where the keys begin (0 when by keyword)
     * @param keyword begin_search by keyword: the keyword after which they begin, or null
     * @param startFrom where the keyword search starts (negative: from the end, backwards)
     * @param lastKey find_keys range: the last key relative to the first (-1: up to the last argument)
     */
    public record Range(List<String> flags, int index, String keyword, int startFrom, int lastKey, int keyStep,
                        int limit) {
        /** One key at {@code index}. */
        public static Range at(int index, String... flags) {
            return new Range(List.of(flags), index, null, 0, 0, 1, 0);
        }

        /** Every argument from {@code index} on. */
        public static Range from(int index, String... flags) {
            return new Range(List.of(flags), index, null, 0, -1, 1, 0);
        }

        /** The keys after {@code keyword}, searched from {@code startFrom}, up to the last argument. */
        public static Range afterKeyword(String keyword, int startFrom, String... flags) {
            return new Range(List.of(flags), 0, keyword, startFrom, -1, 1, 0);
        }

        Range withFlags(List<String> flags) {
            return new Range(flags, index, keyword, startFrom, lastKey, keyStep, limit);
        }
    }

    public static KeySpec atFirst(String... flags) {
        return of(Range.at(1, flags));
    }

    public static KeySpec fromFirst(String... flags) {
        return of(Range.from(1, flags));
    }

    /**
     * Key specs and the legacy triple Redis derives from them (populateCommandLegacyRangeSpec):
     * index-based ranges that follow each other with the same step make one range.
     */
    public static KeySpec of(Range... ranges) {
        int first = 0;
        int last = 0;
        int step = 0;
        for (Range range : ranges) {
            if (range.keyword() != null || range.limit() != 0) {
                continue;
            }
            int end = range.lastKey() < 0 ? range.lastKey() : range.index() + range.lastKey();
            if (first == 0) {
                first = range.index();
                last = end;
                step = range.keyStep();
            } else if (last >= 0 && range.index() == last + step && range.keyStep() == step) {
                last = end;
            }
        }
        return new KeySpec(first, last, step, List.of(ranges), null);
    }

    /** The same specs, with the keys found by {@code finder} (the command shows {@code movablekeys}). */
    public KeySpec foundBy(Finder finder) {
        return new KeySpec(first, last, step, ranges, finder);
    }

    /** Ranges given without flags get {@code flags} (from the command's WRITE or READONLY flag). */
    KeySpec withDefaultFlags(List<String> flags) {
        List<Range> filled = new ArrayList<>();
        for (Range range : ranges) {
            filled.add(range.flags().isEmpty() ? range.withFlags(flags) : range);
        }
        return new KeySpec(first, last, step, List.copyOf(filled), finder);
    }

    public boolean hasKeys() {
        return first > 0 || finder != null;
    }

    /** Whether a rule beyond the triple finds the keys: COMMAND INFO's {@code movablekeys}. */
    public boolean movable() {
        return finder != null || ranges.stream().anyMatch(range -> range.keyword() != null);
    }

    /** The argument positions of the keys in {@code request}. */
    public int[] positions(Request request) {
        return finder != null ? finder.positions(request) : positions(request.size());
    }

    /**
     * The flags of the key at {@code position} (COMMAND GETKEYSANDFLAGS): those of the first spec
     * whose range holds it.
     */
    public List<String> flagsAt(Request request, int position) {
        int argc = request.size();
        for (Range range : ranges) {
            int begin = range.keyword() == null ? range.index() : keywordEnd(request, range);
            if (begin <= 0 || position < begin) {
                continue;
            }
            int end = range.lastKey() < 0 ? argc + range.lastKey() : begin + range.lastKey();
            if (position <= end && (position - begin) % range.keyStep() == 0) {
                return range.flags();
            }
        }
        return ranges.isEmpty() ? List.of() : ranges.getFirst().flags();
    }

    /** Where the keys after a range's keyword begin, searching as Redis does from startFrom; 0 if absent. */
    private static int keywordEnd(Request request, Range range) {
        int argc = request.size();
        boolean backwards = range.startFrom() < 0;
        int start = backwards ? argc + range.startFrom() : range.startFrom();
        for (int i = start; i > 0 && i < argc; i += backwards ? -1 : 1) {
            if (new String(request.word(i), java.nio.charset.StandardCharsets.UTF_8).equalsIgnoreCase(range.keyword())) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The argument positions of the keys in a request of {@code argc} words, by the triple. */
    public int[] positions(int argc) {
        if (first <= 0 || first >= argc) {
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

package io.redmap.protocol;

/**
 * Limits on what one request may claim, checked before memory is allocated for it.
 *
 * @param maxBulkLength proto-max-bulk-len: the longest argument (512 MB by default)
 * @param maxArguments the most arguments in one request
 * @param maxInlineLength the longest inline command or length line (64 KB, as Redis)
 * @param maxQueryBuffer client-query-buffer-limit: the most bytes one unfinished request may
 *     hold (its arguments so far and the bytes not yet parsed)
 */
public record DecoderLimits(long maxBulkLength, int maxArguments, int maxInlineLength, long maxQueryBuffer) {
    public static final DecoderLimits DEFAULT =
            new DecoderLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024, 1024L * 1024 * 1024);

    /** Limits without a query buffer limit of their own. */
    public DecoderLimits(long maxBulkLength, int maxArguments, int maxInlineLength) {
        this(maxBulkLength, maxArguments, maxInlineLength, Long.MAX_VALUE);
    }
}

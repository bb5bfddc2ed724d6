package io.redmap.protocol;

/**
 * Limits on what one request may claim, checked before memory is allocated for it.
 *
 * @param maxBulkLength proto-max-bulk-len: the longest argument (512 MB by default)
 * @param maxArguments the most arguments in one request
 * @param maxInlineLength the longest inline command or length line (64 KB, as Redis)
 */
public record DecoderLimits(long maxBulkLength, int maxArguments, int maxInlineLength) {
    public static final DecoderLimits DEFAULT = new DecoderLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024);
}

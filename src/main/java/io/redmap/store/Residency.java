package io.redmap.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collection;

/**
 * How much of the mapped files is in memory now (INFO mmap, MEMORY STATS), asked of the kernel
 * with {@code mincore(2)}: the page cache holds a mapped file's pages, not the JVM.
 *
 * <p>mincore answers one byte per page, so a whole 4 TiB mapping would need a 1 GiB answer. The
 * pages are asked about in windows of {@link #WINDOW_PAGES} (one 4 KiB vector, reused), and at
 * most about {@link #BUDGET_PAGES} pages in all: when the files hold more, each file gets a share
 * of the budget proportional to its size (at least one window, or the whole file if smaller), spent
 * on windows spread evenly over it, and its resident bytes are extrapolated from them. Pages asked
 * about are therefore at most {@code BUDGET_PAGES + files * WINDOW_PAGES} whatever the sizes: a
 * few milliseconds of kernel time. A file is counted exactly whenever its share covers it.
 */
public final class Residency {
    /** Pages per mincore call: the vector it fills is this many bytes. */
    static final int WINDOW_PAGES = 4096;
    /** Pages asked about per estimate (1 GiB of 4 KiB pages) beyond each file's first window. */
    static final long BUDGET_PAGES = 1L << 18;

    private static final int PAGE = LibC.pageSize();

    private Residency() {
    }

    /**
     * @param mappedBytes the files' bytes
     * @param residentBytes how many of them are in memory (estimated when {@code exact} is false)
     * @param exact whether every page was asked about
     */
    public record Estimate(long mappedBytes, long residentBytes, boolean exact) {
        /** Resident bytes over mapped bytes, 0 when nothing is mapped. */
        public double ratio() {
            return mappedBytes == 0 ? 0 : (double) residentBytes / mappedBytes;
        }
    }

    /** The resident bytes of these files' data (the caller keeps them mapped meanwhile: the command lock). */
    public static Estimate of(Collection<MappedFile> files) {
        return of(files, WINDOW_PAGES, BUDGET_PAGES);
    }

    /** With other bounds: tests use tiny ones, so that the sampling code runs on small files. */
    static Estimate of(Collection<MappedFile> files, int windowPages, long budgetPages) {
        long totalPages = 0;
        for (MappedFile file : files) {
            totalPages += pages(file);
        }
        long mapped = 0;
        long resident = 0;
        boolean exact = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(windowPages);
            for (MappedFile file : files) {
                long pages = pages(file);
                long share = totalPages <= budgetPages ? pages
                        : Math.max(windowPages, (long) ((double) budgetPages * pages / totalPages));
                mapped += dataBytes(file);
                resident += residentBytes(file, pages, share, windowPages, vector);
                exact &= share >= pages;
            }
        }
        return new Estimate(mapped, resident, exact);
    }

    /** The file's resident bytes, from {@code share} of its {@code pages} pages (all of them if it covers them). */
    private static long residentBytes(MappedFile file, long pages, long share, int window, MemorySegment vector) {
        long address = file.mappedAddress();
        if (pages == 0 || address == 0) {
            return 0;
        }
        long windows = Math.max(1, Math.ceilDiv(Math.min(share, pages), window));
        long stride = pages / windows; // windows start this many pages apart: evenly over the file
        long asked = 0;
        long found = 0;
        try {
            for (long w = 0; w < windows; w++) {
                long first = share >= pages ? w * window : w * stride;
                long count = Math.min(window, pages - first);
                LibC.mincore(address + first * PAGE, count * PAGE, vector, file.path());
                for (long i = 0; i < count; i++) {
                    found += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
                }
                asked += count;
            }
        } catch (NativeIOException e) {
            return 0; // unmapped meanwhile: nothing of it is resident for us
        }
        long residentPages = asked == pages ? found : Math.round((double) found * pages / asked);
        return Math.min(residentPages * PAGE, dataBytes(file));
    }

    /** The bytes of the file that are in the mapping (appends still waiting to be written are not). */
    private static long dataBytes(MappedFile file) {
        return Math.min(file.length(), file.capacity());
    }

    static int pageSize() {
        return PAGE;
    }

    private static long pages(MappedFile file) {
        return Math.ceilDiv(dataBytes(file), PAGE);
    }
}

package io.redmap.command;

import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's memory, read under the names Redis's memory reports use (MEMORY STATS, MEMORY DOCTOR).
 *
 * <p>What Redis calls allocated memory (its allocator's bytes) is here what the JVM allocated for
 * redmap's objects and buffers: the used heap plus direct memory (NIO and FFM buffers, and Netty's
 * own when it counts them apart). The arrays are not in it: their bytes are the files' pages in the
 * kernel's page cache, reported apart as mapped bytes and resident bytes.
 *
 * @param heapUsed bytes of live and not yet collected objects
 * @param heapCommitted heap the JVM holds from the OS
 * @param heapMax the most the heap may grow to (-Xmx)
 * @param heapAfterGc heap in use after the last collection of each pool: the live data, nearly
 * @param nonHeapCommitted metaspace, code cache and the like
 * @param direct direct memory in use
 * @param rssAnon the process's resident anonymous memory (heap, direct, native; not file pages)
 */
record MemoryFigures(long heapUsed, long heapCommitted, long heapMax, long heapAfterGc, long nonHeapCommitted,
                     long direct, long rssAnon) {
    /** The most allocated seen so far, each time the figures were read (see {@link #peak}). */
    private static final AtomicLong OBSERVED_PEAK = new AtomicLong();
    /** What redmap held at start (Redis's startup.allocated); see {@link #recordStartup}. */
    private static volatile long startup = -1;

    static MemoryFigures read() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            afterGc += collected == null ? 0 : collected.getUsed();
        }
        MemoryFigures figures = new MemoryFigures(heap.getUsed(), heap.getCommitted(), heap.getMax(), afterGc,
                nonHeap.getCommitted(), directBytes(), readRssAnon());
        OBSERVED_PEAK.accumulateAndGet(figures.allocated(), Math::max);
        return figures;
    }

    /** Redis's total.allocated and used_memory: heap in use plus direct memory. */
    long allocated() {
        return heapUsed + direct;
    }

    /** What the allocator holds from the OS: the committed heap plus direct memory. */
    long active() {
        return heapCommitted + direct;
    }

    /** What the JVM's own areas hold: {@link #active} plus metaspace and code cache. */
    long resident() {
        return active() + nonHeapCommitted;
    }

    /**
     * Notes the allocation at start, once per JVM: called when the command table is built. Read
     * from the Runtime and Netty's counter rather than the management beans, whose first use
     * (loading java.management) was an eighth of a server's start (async-profiler, wall clock);
     * the JDK's own direct buffers, which they would add, hold nothing yet.
     */
    static void recordStartup() {
        if (startup < 0) {
            Runtime runtime = Runtime.getRuntime();
            startup = runtime.totalMemory() - runtime.freeMemory() + Math.max(0, PlatformDependent.usedDirectMemory());
        }
    }

    static long startup() {
        return Math.max(0, startup);
    }

    /**
     * The highest allocation known: the largest seen when these figures were read, or the sum of
     * the heap pools' own peaks (an upper bound: each pool's peak may come at another moment)
     * plus direct memory now, whichever is larger.
     */
    long peak() {
        long pools = direct;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                pools += pool.getPeakUsage().getUsed();
            }
        }
        return Math.max(OBSERVED_PEAK.get(), Math.max(pools, allocated()));
    }

    /** NIO/FFM direct buffers, plus Netty's when it allocates them without the JDK's accounting. */
    private static long directBytes() {
        long bytes = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                bytes += pool.getMemoryUsed();
            }
        }
        return bytes + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    /** The most direct memory the JVM allows (-XX:MaxDirectMemorySize, by default the heap's maximum). */
    static long maxDirect() {
        return PlatformDependent.maxDirectMemory();
    }

    /** RssAnon of /proc/self/status: the mapped files' pages (RssFile) are left out, 0 where there is none. */
    private static long readRssAnon() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // Not on Linux: 0, rather than fail the command.
        }
        return 0;
    }

    /** The machine's physical memory, 0 if unknown (Redis's total_system_memory). */
    static long physicalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
    }
}

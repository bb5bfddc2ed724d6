package io.redmap.command;

import io.redmap.server.ServerState;
import io.redmap.store.Residency;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MEMORY DOCTOR and MEMORY MALLOC-STATS: Redis's report in Redis's words where nothing is wrong,
 * and the problems a redmap server can really have where something is (a heap or direct memory
 * near its limit, arrays larger than the machine's memory), each with what to do.
 */
final class MemoryDoctor {
    /** Redis's text when it finds nothing, word for word: tools and people know it. */
    static final String NO_ISSUES = "Hi Sam, I can't find any memory issue in your instance. "
            + "I can only account for what occurs on this base.\n";
    /** The share of a limit past which the doctor speaks up. */
    private static final double NEAR_LIMIT = 0.8;

    private MemoryDoctor() {
    }

    static String report(ServerState server) {
        MemoryFigures memory = MemoryFigures.read();
        List<String> issues = new ArrayList<>();
        if (memory.heapMax() > 0 && memory.heapAfterGc() > NEAR_LIMIT * memory.heapMax()) {
            issues.add(" * Heap almost full: after the last garbage collections " + InfoReport.human(memory.heapAfterGc())
                    + " of the heap is still in use, of the " + InfoReport.human(memory.heapMax()) + " it may grow to. "
                    + "The arrays are not in the heap, so this is connections, replies being built, or replication "
                    + "buffers. Give the JVM more heap (REDMAP_HEAP for bin/redmap-server, -Xmx), or look for big "
                    + "client buffers with CLIENT LIST.\n\n");
        }
        long maxDirect = MemoryFigures.maxDirect();
        if (maxDirect > 0 && memory.direct() > NEAR_LIMIT * maxDirect) {
            issues.add(" * Direct memory almost full: " + InfoReport.human(memory.direct()) + " of the " + InfoReport.human(maxDirect)
                    + " allowed (-XX:MaxDirectMemorySize) is in use by network and append buffers. Large pipelines "
                    + "or slow readers of large replies hold it; raise the limit if the load is expected.\n\n");
        }
        long physical = MemoryFigures.physicalMemory();
        Residency.Estimate mapped = Residency.of(server.keyspace().store().files().openFiles());
        if (physical > 0 && mapped.mappedBytes() > physical) {
            issues.add(" * Arrays larger than memory: the mapped files hold " + InfoReport.human(mapped.mappedBytes())
                    + ", the machine has " + InfoReport.human(physical) + " of memory, and " + InfoReport.human(mapped.residentBytes())
                    + " of the files is in the page cache now. Reads of the other pages wait for the disk: "
                    + "expect latency to follow the disk for random access (INFO mmap shows the resident ratio).\n\n");
        }
        if (issues.isEmpty()) {
            return NO_ISSUES;
        }
        return "Sam, I detected a few issues in this redmap instance memory implants:\n\n" + String.join("", issues)
                + "I'm here to keep you safe, Sam. I want to help you.\n";
    }

    /** What the JVM's memory manager knows: redmap's allocator is the JVM, not jemalloc. */
    static String jvmPools() {
        StringBuilder out = new StringBuilder("___ Begin JVM memory statistics ___\n");
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        line(out, "heap", heap);
        line(out, "non-heap", nonHeap);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            line(out, "pool '" + pool.getName() + "' (" + pool.getType().toString().toLowerCase(Locale.ROOT) + ")",
                    pool.getUsage());
            if (pool.getPeakUsage() != null) {
                out.append("    peak used: ").append(pool.getPeakUsage().getUsed()).append('\n');
            }
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            out.append("buffer pool '").append(pool.getName()).append("': count: ").append(pool.getCount())
                    .append(", used: ").append(pool.getMemoryUsed()).append(", capacity: ")
                    .append(pool.getTotalCapacity()).append('\n');
        }
        out.append("netty direct: used: ").append(io.netty.util.internal.PlatformDependent.usedDirectMemory())
                .append(" (-1: counted in buffer pool 'direct'), max: ").append(MemoryFigures.maxDirect()).append('\n');
        return out.append("--- End JVM memory statistics ---\n").toString();
    }

    private static void line(StringBuilder out, String name, MemoryUsage usage) {
        out.append(name).append(": used: ").append(usage.getUsed()).append(", committed: ")
                .append(usage.getCommitted()).append(", max: ").append(usage.getMax()).append('\n');
    }
}

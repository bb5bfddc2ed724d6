package io.redmap.command;

import io.netty.util.internal.PlatformDependent;
import io.redmap.server.ServerState;
import io.redmap.server.ServerStats;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import static io.redmap.command.InfoReport.field;
import static io.redmap.command.InfoReport.human;

/**
 * INFO's Memory, Stats and CPU sections: the JVM's figures under Redis's names where they mean
 * the same. {@code used_memory} is what the server itself holds: the heap in use, direct
 * (network) buffers, and the JVM's own metadata (classes, compiled code). Mapped file data is not
 * in it: the page cache holds that, and {@code # Mmap} reports it.
 */
final class InfoMemoryAndStats {
    /** The highest used_memory that INFO has seen: a lower bound of the true peak. */
    private static final AtomicLong PEAK = new AtomicLong();
    private static final long CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ, what /proc/self/stat counts in

    private InfoMemoryAndStats() {
    }

    static void memory(ServerState server, StringBuilder out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heap = memory.getHeapMemoryUsage().getUsed();
        long nonHeap = memory.getNonHeapMemoryUsage().getUsed();
        long direct = directMemory();
        long used = heap + direct + nonHeap;
        long peak = PEAK.accumulateAndGet(used, Math::max);
        long rss = procStatus("VmRSS:");
        long total = totalSystemMemory();
        String maxmemory = server.config().get("maxmemory");
        field(out, "used_memory", used);
        field(out, "used_memory_human", human(used));
        field(out, "used_memory_rss", rss);
        field(out, "used_memory_rss_human", human(rss));
        field(out, "used_memory_peak", peak);
        field(out, "used_memory_peak_human", human(peak));
        field(out, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 0.0 : 100.0 * used / peak));
        field(out, "used_memory_overhead", direct + nonHeap);
        field(out, "used_memory_dataset", heap);
        field(out, "total_system_memory", total);
        field(out, "total_system_memory_human", human(total));
        field(out, "used_memory_lua", 0);
        field(out, "used_memory_scripts", 0);
        field(out, "maxmemory", maxmemory);
        // Up to 2^64-1 as in Redis: beyond a long, the human form is of the largest long (8.00E).
        field(out, "maxmemory_human", human(new java.math.BigInteger(maxmemory).min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue()));
        field(out, "maxmemory_policy", server.config().get("maxmemory-policy"));
        field(out, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used));
        field(out, "mem_fragmentation_bytes", rss - used);
        field(out, "mem_not_counted_for_evict", 0);
        field(out, "mem_replication_backlog", 0);
        field(out, "mem_clients_slaves", 0);
        field(out, "mem_clients_normal", 0);
        field(out, "mem_allocator", "jvm");
        field(out, "used_memory_heap", heap);
        field(out, "used_memory_direct", direct);
        field(out, "used_memory_jvm_nonheap", nonHeap);
    }

    /** Netty's count of its direct buffers when it keeps one, else the JDK's direct pool. */
    private static long directMemory() {
        long netty = PlatformDependent.usedDirectMemory();
        if (netty >= 0) {
            return netty;
        }
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        return pools.stream().filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** A value of the option, or {@code fallback} where the configuration has no such option. */
    private static long totalSystemMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
    }

    /** A "Name: n kB" line of /proc/self/status, in bytes; 0 where there is none (not Linux). */
    private static long procStatus(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // Not on Linux: report 0 rather than fail INFO.
        }
        return 0;
    }

    static void stats(ServerState server, StringBuilder out) {
        ServerStats stats = server.stats();
        var replicas = server.replication().replicas();
        field(out, "total_connections_received", stats.connectionsReceived.sum());
        field(out, "total_commands_processed", stats.commandsProcessed.sum());
        field(out, "instantaneous_ops_per_sec", server.instantaneous().opsPerSecond());
        field(out, "total_net_input_bytes", stats.bytesRead.sum());
        field(out, "total_net_output_bytes", stats.bytesWritten.sum());
        field(out, "total_net_repl_input_bytes", 0);
        field(out, "total_net_repl_output_bytes", 0);
        field(out, "instantaneous_input_kbps", kbps(server.instantaneous().inputKbps()));
        field(out, "instantaneous_output_kbps", kbps(server.instantaneous().outputKbps()));
        field(out, "instantaneous_input_repl_kbps", kbps(0));
        field(out, "instantaneous_output_repl_kbps", kbps(0));
        field(out, "rejected_connections", stats.connectionsRejected.sum());
        field(out, "sync_full", replicas.fullSyncs());
        field(out, "sync_partial_ok", replicas.partialSyncsAccepted());
        field(out, "sync_partial_err", replicas.partialSyncsRefused());
        field(out, "expired_keys", 0);
        field(out, "expired_stale_perc", "0.00");
        field(out, "expired_time_cap_reached_count", 0);
        field(out, "evicted_keys", 0);
        field(out, "evicted_clients", 0);
        field(out, "keyspace_hits", stats.keyspaceHits.sum());
        field(out, "keyspace_misses", stats.keyspaceMisses.sum());
        field(out, "pubsub_channels", server.pubsub().channelCount());
        field(out, "pubsub_patterns", server.pubsub().patternCount());
        field(out, "pubsubshard_channels", 0);
        field(out, "latest_fork_usec", 0);
        field(out, "total_forks", 0);
        field(out, "migrate_cached_sockets", 0);
        field(out, "tracking_total_keys", 0);
        field(out, "tracking_total_items", 0);
        field(out, "tracking_total_prefixes", 0);
        field(out, "unexpected_error_replies", 0);
        field(out, "total_error_replies", stats.errorReplies.sum());
        field(out, "dump_payload_sanitizations", 0);
        field(out, "io_threaded_reads_processed", 0);
        field(out, "io_threaded_writes_processed", 0);
        field(out, "acl_access_denied_auth", stats.aclDeniedAuth.sum());
        field(out, "acl_access_denied_cmd", stats.aclDeniedCommand.sum());
        field(out, "acl_access_denied_key", stats.aclDeniedKey.sum());
        field(out, "acl_access_denied_channel", stats.aclDeniedChannel.sum());
        field(out, "protocol_errors", stats.protocolErrors.sum());
    }

    private static String kbps(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** CPU time from /proc/self/stat (utime, stime), as Redis reads getrusage: the whole process. */
    static void cpu(ServerState server, StringBuilder out) {
        double user = 0;
        double sys = 0;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user = Long.parseLong(fields[11]) / (double) CLOCK_TICKS_PER_SECOND;
            sys = Long.parseLong(fields[12]) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (Exception e) {
            var os = ManagementFactory.getOperatingSystemMXBean();
            user = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
        }
        field(out, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        field(out, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        field(out, "used_cpu_sys_children", "0.000000");
        field(out, "used_cpu_user_children", "0.000000");
    }
}

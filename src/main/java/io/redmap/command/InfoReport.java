package io.redmap.command;

import java.nio.file.Path;
import java.nio.file.Files;
import io.redmap.keyspace.Database;
import io.redmap.replication.MasterLink;
import io.redmap.replication.ReplicaLink;
import io.redmap.replication.Replication;
import io.redmap.replication.ReplicationState;
import io.redmap.server.ServerState;
import io.redmap.store.MappedFile;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The text of INFO: Redis's sections and field names, plus a {@code # Mmap} section. */
final class InfoReport {
    private static final List<String> DEFAULT_SECTIONS =
            List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster", "keyspace",
                    "mmap");
    /** Sections that INFO all and everything add to the default ones (Redis leaves them out of plain INFO). */
    private static final List<String> STATS_SECTIONS = List.of("commandstats", "errorstats", "latencystats");

    private InfoReport() {
    }

    static String render(ServerState server, Set<String> requested) {
        Map<String, Consumer<StringBuilder>> sections = new LinkedHashMap<>();
        sections.put("server", out -> server(server, out));
        sections.put("clients", out -> clients(server, out));
        sections.put("memory", out -> memory(out));
        sections.put("persistence", out -> persistence(server, out));
        sections.put("stats", out -> stats(server, out));
        sections.put("replication", out -> replication(server, out));
        sections.put("cpu", out -> cpu(out));
        for (String name : STATS_SECTIONS) {
            sections.put(name, out -> server.observability().infoSection(name, server.stats().errors, out));
        }
        sections.put("cluster", out -> field(out, "cluster_enabled", server.cluster() == null ? 0 : 1));
        sections.put("keyspace", out -> keyspace(server, out));
        sections.put("mmap", out -> mmap(server, out));
        boolean all = requested.isEmpty() || requested.contains("all") || requested.contains("everything")
                || requested.contains("default");
        StringBuilder text = new StringBuilder();
        for (var section : sections.entrySet()) {
            boolean every = requested.contains("all") || requested.contains("everything");
            if (all ? DEFAULT_SECTIONS.contains(section.getKey()) || every && STATS_SECTIONS.contains(section.getKey())
                    : requested.contains(section.getKey())) {
                if (!text.isEmpty()) {
                    text.append("\r\n");
                }
                String name = section.getKey();
                text.append("# ").append(name.substring(0, 1).toUpperCase(Locale.ROOT)).append(name.substring(1)).append("\r\n");
                section.getValue().accept(text);
            }
        }
        return text.toString();
    }

    private static StringBuilder field(StringBuilder out, String name, Object value) {
        return out.append(name).append(':').append(value).append("\r\n");
    }

    private static void server(ServerState server, StringBuilder out) {
        long uptime = (System.currentTimeMillis() - server.startMillis()) / 1000;
        field(out, "redis_version", ServerState.REDIS_VERSION);
        field(out, "redmap_version", ServerState.VERSION);
        field(out, "redis_mode", server.cluster() == null ? "standalone" : "cluster");
        field(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        field(out, "arch_bits", 64);
        field(out, "java_version", Runtime.version());
        field(out, "process_id", ProcessHandle.current().pid());
        field(out, "run_id", server.runId());
        field(out, "tcp_port", server.port());
        field(out, "server_time_usec", System.currentTimeMillis() * 1000);
        field(out, "uptime_in_seconds", uptime);
        field(out, "uptime_in_days", uptime / 86400);
        field(out, "hz", server.config().get("hz"));
        field(out, "executable", "bin/redmap-server");
        field(out, "config_file", server.config().configFile() == null ? "" : server.config().configFile());
    }

    /** Redis 7's fields, in its order (compared with a real redis-server): Sentinel and exporters parse them. */
    private static void replication(ServerState server, StringBuilder out) {
        Replication replication = server.replication();
        ReplicationState state = replication.state();
        MasterLink master = replication.masterLink();
        if (master == null) {
            field(out, "role", "master");
        } else {
            field(out, "role", "slave");
            field(out, "master_host", master.host());
            field(out, "master_port", master.port());
            field(out, "master_link_status", master.isOnline() ? "up" : "down");
            field(out, "master_last_io_seconds_ago", master.isOnline() ? master.lastIoSecondsAgo() : -1);
            field(out, "master_sync_in_progress", master.syncInProgress() ? 1 : 0);
            field(out, "slave_read_repl_offset", state.offset());
            field(out, "slave_repl_offset", state.offset());
            if (master.syncInProgress()) {
                long total = master.syncBytesExpected();
                long read = master.syncBytesReceived();
                field(out, "master_sync_total_bytes", total);
                field(out, "master_sync_read_bytes", read);
                field(out, "master_sync_left_bytes", Math.max(0, total - read));
                field(out, "master_sync_perc", String.format(java.util.Locale.ROOT, "%.2f",
                        total == 0 ? 0.0 : 100.0 * read / total));
                field(out, "master_sync_last_io_seconds_ago", master.lastIoSecondsAgo());
            }
            if (!master.isOnline()) {
                field(out, "master_link_down_since_seconds", master.downSinceSeconds());
            }
            field(out, "slave_priority", server.config().get("replica-priority"));
            field(out, "slave_read_only", server.config().getBool("replica-read-only") ? 1 : 0);
            field(out, "replica_announced", server.config().getBool("replica-announced") ? 1 : 0);
        }
        List<ReplicaLink> replicas = replication.replicas().all();
        field(out, "connected_slaves", replicas.size());
        long minReplicas = server.config().getLong("min-replicas-to-write");
        long maxLag = server.config().getLong("min-replicas-max-lag");
        if (minReplicas > 0 && maxLag > 0) {
            field(out, "min_slaves_good_slaves", replication.replicas().goodReplicas(maxLag));
        }
        for (int i = 0; i < replicas.size(); i++) {
            ReplicaLink replica = replicas.get(i);
            field(out, "slave" + i, "ip=" + replica.ip() + ",port=" + replica.port() + ",state="
                    + replica.state().infoName() + ",offset=" + replica.ackOffset() + ",lag=" + replica.lagSeconds());
        }
        field(out, "master_failover_state", "no-failover");
        field(out, "master_replid", state.replicationId());
        field(out, "master_replid2", state.secondReplicationId());
        field(out, "master_repl_offset", state.offset());
        field(out, "second_repl_offset", state.secondOffset());
        field(out, "repl_backlog_active", replication.backlogActive() ? 1 : 0);
        field(out, "repl_backlog_size", server.config().get("repl-backlog-size"));
        field(out, "repl_backlog_first_byte_offset", replication.backlogFirstOffset());
        field(out, "repl_backlog_histlen", replication.backlogLength());
    }

    private static void clients(ServerState server, StringBuilder out) {
        field(out, "connected_clients", server.clients().size());
        field(out, "maxclients", server.config().get("maxclients"));
        field(out, "blocked_clients", 0);
    }

    private static void memory(StringBuilder out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heap = memory.getHeapMemoryUsage().getUsed();
        long nonHeap = memory.getNonHeapMemoryUsage().getUsed();
        field(out, "used_memory", heap + nonHeap);
        field(out, "used_memory_human", human(heap + nonHeap));
        field(out, "used_memory_heap", heap);
        field(out, "used_memory_rss", rss());
        field(out, "maxmemory", 0);
        field(out, "maxmemory_policy", "noeviction");
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // Not on Linux: report 0 rather than fail INFO.
        }
        return 0;
    }

    private static void persistence(ServerState server, StringBuilder out) {
        field(out, "loading", 0);
        field(out, "rdb_changes_since_last_save", 0);
        field(out, "rdb_bgsave_in_progress", 0);
        field(out, "rdb_last_save_time", server.lastSaveSeconds());
        // While the catalogue cannot be written, as Redis shows a failed save (its MISCONF state).
        String notSaved = server.keyspace().notSavedReason();
        field(out, "rdb_last_bgsave_status", notSaved == null ? "ok" : "err");
        field(out, "catalogue_last_save_error", notSaved == null ? "" : notSaved);
        field(out, "aof_enabled", 0);
        field(out, "mmap_sync", server.config().get("mmap-sync"));
    }

    private static void stats(ServerState server, StringBuilder out) {
        field(out, "total_connections_received", server.stats().connectionsReceived.sum());
        field(out, "total_commands_processed", server.stats().commandsProcessed.sum());
        field(out, "rejected_connections", server.stats().connectionsRejected.sum());
        field(out, "sync_full", server.replication().replicas().fullSyncs());
        field(out, "sync_partial_ok", server.replication().replicas().partialSyncsAccepted());
        field(out, "sync_partial_err", server.replication().replicas().partialSyncsRefused());
        field(out, "total_error_replies", server.stats().errorReplies.sum());
        field(out, "total_net_input_bytes", server.stats().bytesRead.sum());
        field(out, "total_net_output_bytes", server.stats().bytesWritten.sum());
        field(out, "protocol_errors", server.stats().protocolErrors.sum());
        field(out, "keyspace_hits", 0);
        field(out, "keyspace_misses", 0);
        field(out, "pubsub_channels", server.pubsub().channelCount());
        field(out, "pubsub_patterns", server.pubsub().patternCount());
    }

    private static void cpu(StringBuilder out) {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long cpuNanos = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
        field(out, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", 0.0));
        field(out, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpuNanos / 1e9));
    }

    private static void keyspace(ServerState server, StringBuilder out) {
        for (int i = 0; i < server.keyspace().databaseCount(); i++) {
            Database database = server.keyspace().database(i);
            if (database.size() > 0) {
                field(out, "db" + i, "keys=" + database.size() + ",expires=0,avg_ttl=0");
            }
        }
    }

    private static void mmap(ServerState server, StringBuilder out) {
        long mappedBytes = 0;
        long reservedBytes = 0;
        var files = server.keyspace().store().files().openFiles();
        for (MappedFile file : files) {
            mappedBytes += file.length();
            reservedBytes += file.capacity();
        }
        field(out, "mapped_keys", server.keyspace().size());
        field(out, "mapped_bytes", mappedBytes);
        field(out, "mapped_bytes_human", human(mappedBytes));
        field(out, "reserved_address_space", reservedBytes);
        field(out, "files_open", files.size());
        field(out, "files_dirty", server.keyspace().store().durability().dirtyCount());
        field(out, "mmap_sync", server.config().get("mmap-sync"));
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String units = "KMGTPE";
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.2f%c", bytes / Math.pow(1024, unit), units.charAt(unit - 1));
    }
}

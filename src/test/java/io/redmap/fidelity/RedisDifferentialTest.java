package io.redmap.fidelity;

import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same command sequences sent raw over sockets to redmap and to Debian's redis-server 7.0.15
 * (started here; skipped where there is none), the raw RESP2 replies compared after these
 * normalisations, and only these:
 * <ul>
 *   <li>CLIENT INFO/LIST: the per-connection numbers (id, addresses, fd, ages, buffer sizes) and
 *       the fields Redis 7.2 added (lib-name, lib-ver), with the bulk lengths they change;</li>
 *   <li>TYPE: the type name of a key ({@code string} in Redis, {@code mmap} in redmap);</li>
 *   <li>CLIENT ID: any integer;</li>
 *   <li>HELP texts: 7.2's "Print this help." for 7.0's "Prints this help.";</li>
 *   <li>INFO: the section headers only (values are the servers' own), redmap's {@code # Mmap} removed;
 *       the fields dashboards read are checked to be present instead.</li>
 * </ul>
 * Where 7.0 and 7.2 differ and redmap answers as 7.2, {@link FidelityCases#CHANGED_IN_7_2} says so.
 */
class RedisDifferentialTest {
    private static final Pattern CLIENT_FIELDS = Pattern.compile(
            "\\b(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=[^ \\n]*");
    private static final Pattern LIB_FIELDS = Pattern.compile(" lib-name=[^ \\n]* lib-ver=[^ \\n]*");
    private static final Pattern BULK_LENGTH = Pattern.compile("(?m)^([$=])\\d+(?=\\r\\n)");
    private static final List<String> DASHBOARD_FIELDS = List.of("redis_version", "redis_mode", "process_id", "run_id",
            "tcp_port", "uptime_in_seconds", "hz", "configured_hz", "multiplexing_api", "connected_clients",
            "maxclients", "client_recent_max_input_buffer", "client_recent_max_output_buffer", "blocked_clients",
            "used_memory", "used_memory_rss", "used_memory_peak", "total_system_memory", "used_memory_lua",
            "maxmemory", "maxmemory_policy", "mem_fragmentation_ratio", "loading", "rdb_changes_since_last_save",
            "rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status", "aof_enabled",
            "total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
            "total_net_input_bytes", "total_net_output_bytes", "instantaneous_input_kbps", "instantaneous_output_kbps",
            "rejected_connections", "expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses",
            "pubsub_channels", "pubsub_patterns", "total_error_replies", "role", "connected_slaves", "master_replid",
            "master_repl_offset", "repl_backlog_active", "used_cpu_sys", "used_cpu_user", "cluster_enabled");

    private static TestServer redmap;
    private static RealRedis redis;

    @BeforeAll
    static void start() {
        redis = RealRedis.start();
        redmap = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (redmap != null) {
            redmap.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void keyspaceCommandsAnswerAsRedis() {
        assertSame(FidelityCases.keyspace());
    }

    @Test
    void configGetAndSetAnswerAsRedis() {
        assertSame(FidelityCases.config());
    }

    @Test
    void clientSubcommandsAnswerAsRedis() {
        assertSame(FidelityCases.client());
    }

    @Test
    void wrongArityAndUnknownCommandsGetRedissErrors() {
        List<FidelityCases.Case> cases = new ArrayList<>();
        for (String name : FidelityCases.FIXED_ARITY) {
            cases.add(FidelityCases.single(name + " x y z w v"));
        }
        FidelityCases.MINIMUM_ARITY.forEach((name, arity) ->
                cases.add(FidelityCases.single(name + " x".repeat(Math.max(0, arity - 2)))));
        // A fixed arity n gets n + 1 words; "at least n" gets n - 1 (never fewer than the two names).
        FidelityCases.SUBCOMMANDS.forEach((name, arity) -> {
            String words = name.replace('|', ' ');
            if (arity > 0) {
                cases.add(FidelityCases.single(words + " x".repeat(arity - 1)));
            } else if (-arity >= 3) {
                cases.add(FidelityCases.single(words + " x".repeat(-arity - 3)));
            }
        });
        for (String container : List.of("client", "config", "command", "pubsub", "cluster")) {
            cases.add(FidelityCases.single(container + " nosuchsub a b"));
        }
        cases.add(FidelityCases.single("nosuchcommand a b"));
        cases.add(FidelityCases.single("config"));
        cases.add(FidelityCases.single("client"));
        assertThat(cases).hasSizeGreaterThan(60);
        assertSame(cases);
    }

    @Test
    void commandMetadataIsRedissForTheCommandsBothHave() {
        Set<String> shared = new LinkedHashSet<>(listCommands(redis.port()));
        shared.retainAll(listCommands(redmap.port()));
        List<FidelityCases.Case> cases = new ArrayList<>();
        for (String name : shared) {
            boolean container = shared.stream().anyMatch(other -> other.startsWith(name + "|"));
            if (!container && !FidelityCases.CHANGED_IN_7_2.containsKey(name) && !FidelityCases.REDMAP_DIFFERS.containsKey(name)) {
                cases.add(FidelityCases.single("COMMAND INFO " + name));
            }
        }
        assertThat(cases).hasSizeGreaterThan(80);
        cases.addAll(FidelityCases.introspection());
        assertSame(cases);
        try (RawClient client = new RawClient(redmap.port())) {
            FidelityCases.EXPECTED_7_2.forEach((line, reply) ->
                    assertThat(client.call(words(line).toArray(String[]::new))).as("%s (as Redis 7.2)", line).isEqualTo(reply));
        }
    }

    @Test
    void infoHasRedissSectionsInItsOrderAndTheFieldsDashboardsRead() {
        List<FidelityCases.Case> cases = new ArrayList<>();
        for (String line : List.of("INFO", "INFO default", "INFO all", "INFO everything", "INFO server clients",
                "INFO CPU", "INFO cpu memory", "INFO nosuch", "INFO commandstats", "INFO errorstats", "INFO modules",
                "INFO keyspace", "INFO default commandstats", "INFO everything server")) {
            cases.add(FidelityCases.single(line));
        }
        assertSame(cases);
        try (RawClient client = new RawClient(redmap.port())) {
            String info = client.call("INFO", "everything");
            for (String field : DASHBOARD_FIELDS) {
                assertThat(info).as("INFO everything").containsPattern("(?m)^" + field + ":");
            }
            assertThat(info).contains("\r\n# Mmap\r\n");
        }
    }

    /** Runs every case on both servers and reports all that differ at once. */
    private static void assertSame(List<FidelityCases.Case> cases) {
        List<String> differences = new ArrayList<>();
        for (FidelityCases.Case testCase : cases) {
            List<String> expected = run(redis.port(), testCase, false);
            List<String> actual = run(redmap.port(), testCase, true);
            for (int i = 0; i < testCase.commands().size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    differences.add("[" + testCase.name() + "] " + testCase.commands().get(i) + "\n  redis:  "
                            + printable(expected.get(i)) + "\n  redmap: " + printable(actual.get(i)));
                }
            }
        }
        assertThat(differences).as("%d cases", cases.size()).isEmpty();
    }

    private static List<String> run(int port, FidelityCases.Case testCase, boolean isRedmap) {
        try (RawClient client = new RawClient(port)) {
            client.call("FLUSHALL");
            for (String key : testCase.keys()) {
                String setup = isRedmap ? client.call("MMAP", key, "fidelity-" + key + ".bin") : client.call("SET", key, "1");
                assertThat(setup).as("setup of " + key).doesNotStartWith("-");
            }
            List<String> replies = new ArrayList<>();
            for (String line : testCase.commands()) {
                List<String> words = words(line);
                client.command(words.toArray(String[]::new));
                boolean silent = isSilent(testCase.commands(), line);
                replies.add(silent ? "" : normalize(line, client.readReply(), isRedmap));
            }
            return replies;
        }
    }

    /** Commands whose reply CLIENT REPLY OFF/SKIP suppresses: nothing is read for them. */
    private static boolean isSilent(List<String> commands, String line) {
        int index = commands.indexOf(line);
        boolean off = false;
        boolean skipNext = false;
        for (int i = 0; i <= index; i++) {
            String command = commands.get(i).toUpperCase(java.util.Locale.ROOT);
            boolean skipping = skipNext;
            skipNext = false;
            if (command.equals("CLIENT REPLY ON")) {
                off = false;
                if (i == index) {
                    return false;
                }
            } else if (command.equals("CLIENT REPLY OFF")) {
                off = true;
            } else if (command.equals("CLIENT REPLY SKIP")) {
                skipNext = !off;
                if (i == index) {
                    return true;
                }
            }
            if (i == index) {
                return off || skipping;
            }
        }
        return false;
    }

    private static String normalize(String line, String reply, boolean isRedmap) {
        String upper = line.toUpperCase(java.util.Locale.ROOT);
        String text = reply.replace("Prints this help.", "Print this help.");
        if (upper.startsWith("TYPE ")) {
            text = text.replace("+string", "+<type>").replace("+mmap", "+<type>");
        }
        if (upper.equals("CLIENT ID")) {
            text = text.replaceAll(":\\d+", ":<id>");
        }
        if (upper.startsWith("CLIENT INFO") || upper.startsWith("CLIENT LIST")) {
            text = LIB_FIELDS.matcher(CLIENT_FIELDS.matcher(text).replaceAll("$1=_")).replaceAll("");
        }
        if (upper.startsWith("INFO")) {
            List<String> headers = new ArrayList<>();
            for (String infoLine : text.split("\r\n")) {
                if (infoLine.startsWith("# ") && !(isRedmap && infoLine.equals("# Mmap"))) {
                    headers.add(infoLine);
                }
            }
            return String.join("|", headers);
        }
        return BULK_LENGTH.matcher(text).replaceAll("$1_");
    }

    /** A line's words, split at spaces; "double quotes" keep spaces and make "" an empty word. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> listCommands(int port) {
        try (RawClient client = new RawClient(port)) {
            List<String> names = new ArrayList<>();
            for (String line : client.call("COMMAND", "LIST").split("\r\n")) {
                if (!line.startsWith("*") && !line.startsWith("$")) {
                    names.add(line);
                }
            }
            return names;
        }
    }

    private static String printable(String reply) {
        String text = reply.replace("\r\n", "\\r\\n");
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }

    static Map<String, String> notes() {
        return FidelityCases.CHANGED_IN_7_2;
    }
}

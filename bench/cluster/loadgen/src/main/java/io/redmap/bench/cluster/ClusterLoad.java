package io.redmap.bench.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster-aware load generator: Lettuce's {@link RedisClusterClient} routes every command by its
 * key, as an application's client would. N cluster connections (each one connection per master),
 * each driven by its own thread that sends a batch of P x masters commands (pipelined: auto-flush
 * off, one flush), waits for all the replies, and starts the next batch, like {@code redis-benchmark
 * -P}. So each master gets batches of about P commands per connection whatever the number of
 * masters: a cluster of 3 sees the same load pattern on each master as one master alone, with 3
 * times the commands in flight (as an application adds clients when it adds shards).
 * Keys are spread evenly over the 16384 slots (key i lies in slot range [i*16384/K, (i+1)*16384/K)),
 * and each command picks one at random, so each master gets the share of the load that its share
 * of the slots says.
 *
 * <p>Prints one {@code RESULT} line per measured round (ops/s, errors, the client's CPU seconds)
 * and one {@code NODE} line per master (commands it counted in INFO stats during the round and,
 * for the pids given with --pid, its CPU seconds from /proc/PID/stat), as key=value words.
 * Any error reply fails the run (exit 1). Run with -h for the options.
 */
public final class ClusterLoad {

    private static final String USAGE = """
            java -jar cluster-load.jar --seeds HOST:PORT[,HOST:PORT...] --workload vget|vadd|get|rpush [options]
            java -jar cluster-load.jar --seeds HOST:PORT[,...] --setup redmap|redis [--keys K] [--append-keys A]

              --seeds LIST      cluster nodes to learn the topology from (CLUSTER NODES)
              --setup redmap    creates the keys: K read keys, MMAP k:<n> k_<i>.f8 double WRITABLE with
                                E elements (i + j/4 for j < E); A append keys, MMAP a:<n> a_<i>.f8
                                double WRITABLE, empty
              --setup redis     the same for Redis: SET k:<n> to element 0's text, DEL a:<n>
              --workload W      vget: VGET k:<i> <random index < E>;  vadd: VADD a:<i> 1.5
                                get:  GET k:<i>;                      rpush: RPUSH a:<i> 1.5
              --keys K          keys read (vget, get) or appended to (vadd, rpush), one per 16384/K
                                slots: key i is the first name k:<n> (a:<n>) whose slot lies in
                                [i*16384/K, (i+1)*16384/K) (default 1024)
              --append-keys A   with --setup: how many append keys to create (default: K)
              --slots FIRST-LAST  only those of the K keys whose slot is in this range: loads one
                                shard of a cluster alone (with the keys it has in the full load)
              --elements E      elements of each k:<i> (default 16)
              --connections N   cluster connections, one thread each (default 8)
              --pipeline P      commands per batch on each connection, per master: a batch is P x
                                the number of masters commands (default 32)
              --warmup S        at least S seconds of load before the first measured round, then
                                more in windows of 2 s until two windows in a row differ by under
                                5% in ops/s (the client's JIT and the servers' are done) or
                                --warmup-max S seconds have passed (default 2, max 60)
              --seconds S       seconds of each measured round (default 5)
              --rounds R        measured rounds (default 1)
              --pid HOST:PORT=PID  a master's process: its CPU seconds per round are reported
                                (repeatable; the pid must be visible in this pid namespace)
              --check-appends   for vadd/rpush: the keys' lengths (VCOUNT/LLEN) must grow by
                                exactly the number of acknowledged appends (default on)
              --no-check-appends
            """;

    /** A command of redmap's or Redis's that Lettuce has no method for: its name as bytes. */
    private record Keyword(String name, byte[] bytes) implements ProtocolKeyword {
        Keyword(String name) {
            this(name, name.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public byte[] getBytes() {
            return bytes;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final Keyword VGET = new Keyword("VGET");
    private static final Keyword VADD = new Keyword("VADD");
    private static final Keyword VCOUNT = new Keyword("VCOUNT");
    private static final Keyword MMAP = new Keyword("MMAP");
    private static final Keyword GET = new Keyword("GET");
    private static final Keyword SET = new Keyword("SET");
    private static final Keyword RPUSH = new Keyword("RPUSH");
    private static final Keyword LLEN = new Keyword("LLEN");
    private static final Keyword DEL = new Keyword("DEL");

    private record Options(List<RedisURI> seeds, String setup, String workload, int keys, int elements,
                           int appendKeys, int firstSlot, int lastSlot, int connections, int pipeline, double warmup,
                           double warmupMax, double seconds, int rounds,
                           Map<String, Integer> pids, boolean checkAppends) {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cluster-load: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        RedisClusterClient client = RedisClusterClient.create(options.seeds());
        client.setOptions(ClusterClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP2) // as redis-benchmark: the same replies from both servers
                .validateClusterNodeMembership(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        int status;
        try {
            status = options.setup() != null ? setup(client, options) : load(client, options);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        System.exit(status);
    }

    // ---------------------------------------------------------------------------------- keys

    /** Key {@code prefix + n}, for the smallest n whose slot lies in [index*16384/K, (index+1)*16384/K). */
    static String[] keys(String prefix, int count) {
        var names = new String[count];
        int filled = 0;
        for (long n = 0; filled < count; n++) {
            String name = prefix + n;
            int chunk = (int) ((long) SlotHash.getSlot(name) * count / SlotHash.SLOT_COUNT);
            if (names[chunk] == null) {
                names[chunk] = name;
                filled++;
            }
        }
        return names;
    }

    static String element(int key, int index) {
        double value = key + index / 4.0;
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    // --------------------------------------------------------------------------------- setup

    private static int setup(RedisClusterClient client, Options options) throws Exception {
        String[] reads = keys("k:", options.keys());
        String[] appends = keys("a:", options.appendKeys());
        try (var connection = client.connect(StringCodec.UTF8)) {
            var async = connection.async();
            List<CompletableFuture<Object>> pending = new ArrayList<>();
            for (int i = 0; i < appends.length; i++) {
                pending.add(options.setup().equals("redmap")
                        ? send(async, MMAP, appends[i], "a_" + i + ".f8", "double", "WRITABLE")
                        : send(async, DEL, appends[i]));
            }
            for (int i = 0; i < options.keys(); i++) {
                if (options.setup().equals("redmap")) {
                    pending.add(send(async, MMAP, reads[i], "k_" + i + ".f8", "double", "WRITABLE"));
                    var values = new String[options.elements()];
                    for (int j = 0; j < values.length; j++) {
                        values[j] = element(i, j);
                    }
                    pending.add(send(async, VADD, reads[i], values));
                    // At most 4 arrays appended to per round trip: more in one turn of the server's
                    // event loop costs it a 256 KiB buffer each (README.md, problem 1), whose freeing
                    // would then weigh on the first measured load.
                    if (i % 4 == 3) {
                        awaitAll(pending);
                    }
                } else {
                    pending.add(send(async, SET, reads[i], element(i, 0)));
                }
                if (pending.size() >= 3000) {
                    awaitAll(pending);
                }
            }
            awaitAll(pending);
            // One read of each kind checked against what was written.
            int probe = options.keys() / 2;
            Object got = options.setup().equals("redmap")
                    ? send(async, VGET, reads[probe], "3").get(10, TimeUnit.SECONDS)
                    : send(async, GET, reads[probe]).get(10, TimeUnit.SECONDS);
            String want = element(probe, options.setup().equals("redmap") ? 3 : 0);
            if (!want.equals(got)) {
                System.err.printf("cluster-load: setup check: %s of %s replied %s, not %s%n",
                        options.setup().equals("redmap") ? "VGET ... 3" : "GET", reads[probe], got, want);
                return 1;
            }
            System.out.printf(Locale.ROOT, "SETUP server=%s keys=%d append_keys=%d elements=%d masters=%d%n",
                    options.setup(), options.keys(), appends.length, options.elements(), masters(connection).size());
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------- load

    private static int load(RedisClusterClient client, Options options) throws Exception {
        String workload = options.workload();
        String[] keys = java.util.Arrays.stream(keys(workload.equals("vget") || workload.equals("get") ? "k:" : "a:",
                        options.keys()))
                .filter(key -> SlotHash.getSlot(key) >= options.firstSlot() && SlotHash.getSlot(key) <= options.lastSlot())
                .toArray(String[]::new);
        if (keys.length == 0) {
            System.err.println("cluster-load: no key in slots " + options.firstSlot() + "-" + options.lastSlot());
            return 2;
        }
        List<StatefulRedisClusterConnection<String, String>> connections = new ArrayList<>();
        for (int i = 0; i < options.connections(); i++) {
            connections.add(client.connect(StringCodec.UTF8));
        }
        var admin = connections.getFirst();
        List<RedisClusterNode> masters = masters(admin);
        // Each connection's link to each master is made now, with auto-flush on: a link still being
        // made when a batch is flushed would take that batch's commands after the flush.
        for (var connection : connections) {
            for (var node : masters) {
                connection.getConnection(node.getNodeId()).sync().ping();
            }
        }
        long lengthBefore = options.checkAppends() && isAppend(workload) ? totalLength(admin, keys, workload) : 0;

        var done = new LongAdder();
        var errors = new LongAdder();
        var firstError = new AtomicReference<String>();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        // The masters that the keys reach (all of them, or one with --slots): P commands each per batch.
        var reached = new java.util.HashSet<String>();
        for (String key : keys) {
            reached.add(admin.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getNodeId());
        }
        int batchSize = options.pipeline() * reached.size();
        List<Thread> threads = new ArrayList<>();
        for (var connection : connections) {
            threads.add(Thread.ofPlatform().name("load-" + threads.size()).start(
                    () -> drive(connection, workload, keys, batchSize, options, done, errors, firstError, stop)));
        }
        int status = 0;
        try {
            warmUp(done, options);
            for (int round = 1; round <= options.rounds(); round++) {
                Map<String, Long> commands0 = commandCounts(admin, masters);
                Map<String, Long> cpu0 = cpuTicks(options.pids());
                long self0 = selfCpuTicks();
                long ops0 = done.sum();
                long errors0 = errors.sum();
                long t0 = System.nanoTime();
                sleep(options.seconds());
                long ops1 = done.sum();
                long t1 = System.nanoTime();
                long errors1 = errors.sum();
                long self1 = selfCpuTicks();
                Map<String, Long> cpu1 = cpuTicks(options.pids());
                Map<String, Long> commands1 = commandCounts(admin, masters);
                double seconds = (t1 - t0) / 1e9;
                System.out.printf(Locale.ROOT,
                        "RESULT round=%d workload=%s masters=%d loaded=%d ops=%d seconds=%.3f ops_per_s=%.0f "
                                + "errors=%d client_cpu_s=%.2f connections=%d batch=%d keys=%d%n",
                        round, workload, masters.size(), reached.size(), ops1 - ops0, seconds,
                        (ops1 - ops0) / seconds, errors1 - errors0, (self1 - self0) / TICKS, options.connections(),
                        batchSize, keys.length);
                for (var node : masters) {
                    String address = address(node);
                    Long c0 = cpu0.get(address);
                    Long c1 = cpu1.get(address);
                    System.out.printf(Locale.ROOT, "NODE round=%d node=%s slots=%d commands=%d cpu_s=%s%n", round,
                            address, node.getSlots().size(), commands1.get(address) - commands0.get(address),
                            c0 == null || c1 == null ? "-" : String.format(Locale.ROOT, "%.2f", (c1 - c0) / TICKS));
                }
                System.out.flush();
            }
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        }
        if (errors.sum() > 0) {
            System.err.printf("cluster-load: %d error replies or failed commands; the first: %s%n", errors.sum(),
                    firstError.get());
            status = 1;
        }
        if (status == 0 && options.checkAppends() && isAppend(workload)) {
            long grown = totalLength(admin, keys, workload) - lengthBefore;
            long acknowledged = done.sum();
            System.out.printf(Locale.ROOT, "APPENDS acknowledged=%d grown=%d%n", acknowledged, grown);
            if (grown != acknowledged) {
                System.err.printf("cluster-load: %d appends acknowledged but the keys grew by %d%n", acknowledged,
                        grown);
                status = 1;
            }
        }
        for (var connection : connections) {
            connection.close();
        }
        return status;
    }

    /** The minimum warm-up, then 2 s windows until two in a row are within 5% of each other. */
    private static void warmUp(LongAdder done, Options options) throws InterruptedException {
        long start = System.nanoTime();
        sleep(options.warmup());
        double previous = -1;
        while (true) {
            long ops0 = done.sum();
            long t0 = System.nanoTime();
            sleep(2);
            double rate = (done.sum() - ops0) / ((System.nanoTime() - t0) / 1e9);
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean steady = previous > 0 && Math.abs(rate - previous) < 0.05 * Math.max(rate, previous);
            if (steady || elapsed >= options.warmupMax()) {
                System.out.printf(Locale.ROOT, "WARMUP seconds=%.1f steady=%s last_ops_per_s=%.0f%n", elapsed, steady,
                        rate);
                return;
            }
            previous = rate;
        }
    }

    private static boolean isAppend(String workload) {
        return workload.equals("vadd") || workload.equals("rpush");
    }

    /** One connection's loop: a batch of commands, one flush, all their replies, again. */
    private static void drive(StatefulRedisClusterConnection<String, String> connection, String workload,
                              String[] keys, int batchSize, Options options, LongAdder done, LongAdder errors,
                              AtomicReference<String> firstError, java.util.concurrent.atomic.AtomicBoolean stop) {
        var async = connection.async();
        connection.setAutoFlushCommands(false);
        var random = ThreadLocalRandom.current();
        var index = new String[options.elements()];
        for (int j = 0; j < index.length; j++) {
            index[j] = Integer.toString(j);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Object>[] batch = new CompletableFuture[batchSize];
        while (!stop.get()) {
            for (int i = 0; i < batch.length; i++) {
                String key = keys[random.nextInt(keys.length)];
                batch[i] = switch (workload) {
                    case "vget" -> send(async, VGET, key, index[random.nextInt(index.length)]);
                    case "vadd" -> send(async, VADD, key, "1.5");
                    case "get" -> send(async, GET, key);
                    case "rpush" -> send(async, RPUSH, key, "1.5");
                    default -> throw new IllegalStateException(workload);
                };
            }
            connection.flushCommands();
            for (var future : batch) {
                try {
                    Object reply = await(connection, future);
                    if (reply == null && !workload.equals("get")) {
                        throw new IllegalStateException("nil reply");
                    }
                    done.increment();
                } catch (Exception e) {
                    errors.increment();
                    firstError.compareAndSet(null, String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
            }
        }
        connection.setAutoFlushCommands(true);
    }

    /**
     * A reply, waited for at most 30 s; each second without it flushes again (in case a command
     * reached its link after the batch's flush) and says so on stderr.
     */
    private static Object await(StatefulRedisClusterConnection<String, String> connection,
                                CompletableFuture<Object> future) throws Exception {
        for (int second = 1; ; second++) {
            try {
                return future.get(1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (second >= 30) {
                    throw e;
                }
                System.err.printf("cluster-load: no reply after %d s on %s; flushing again%n", second,
                        Thread.currentThread().getName());
                connection.flushCommands();
            }
        }
    }

    // -------------------------------------------------------------------- commands and stats

    private static CompletableFuture<Object> send(RedisAdvancedClusterAsyncCommands<String, String> async,
                                                  Keyword command, String key, String... rest) {
        var args = new CommandArgs<>(StringCodec.UTF8).addKey(key);
        for (String word : rest) {
            args.add(word);
        }
        return async.dispatch(command, new AnyOutput(), args).toCompletableFuture();
    }

    private static void awaitAll(List<CompletableFuture<Object>> pending) throws Exception {
        for (var future : pending) {
            future.get(60, TimeUnit.SECONDS);
        }
        pending.clear();
    }

    private static long totalLength(StatefulRedisClusterConnection<String, String> connection, String[] keys,
                                    String workload) throws Exception {
        var async = connection.async();
        List<CompletableFuture<Object>> replies = new ArrayList<>();
        for (String key : keys) {
            replies.add(send(async, workload.equals("vadd") ? VCOUNT : LLEN, key));
        }
        long total = 0;
        for (var reply : replies) {
            total += (Long) reply.get(60, TimeUnit.SECONDS);
        }
        return total;
    }

    private static List<RedisClusterNode> masters(StatefulRedisClusterConnection<String, String> connection) {
        List<RedisClusterNode> masters = new ArrayList<>();
        for (var node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
                masters.add(node);
            }
        }
        masters.sort(java.util.Comparator.comparing(ClusterLoad::address));
        return masters;
    }

    private static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    /** total_commands_processed of each master (INFO stats, asked of each node directly). */
    private static Map<String, Long> commandCounts(StatefulRedisClusterConnection<String, String> connection,
                                                   List<RedisClusterNode> masters) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (var node : masters) {
            String info = connection.getConnection(node.getNodeId()).sync().info("stats");
            long count = -1;
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("total_commands_processed:")) {
                    count = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            counts.put(address(node), count);
        }
        return counts;
    }

    private static final double TICKS = 100.0; // USER_HZ: /proc/PID/stat counts in 1/100 s on Linux

    private static Map<String, Long> cpuTicks(Map<String, Integer> pids) throws Exception {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (var entry : pids.entrySet()) {
            ticks.put(entry.getKey(), cpuTicks(Path.of("/proc/" + entry.getValue() + "/stat")));
        }
        return ticks;
    }

    private static long selfCpuTicks() throws Exception {
        return cpuTicks(Path.of("/proc/self/stat"));
    }

    /** utime + stime of a process, all its threads: fields 14 and 15 of /proc/PID/stat. */
    static long cpuTicks(Path stat) throws Exception {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    // ------------------------------------------------------------------------------- options

    private static Options parse(String[] args) {
        List<RedisURI> seeds = new ArrayList<>();
        String setup = null;
        String workload = null;
        int keys = 1024;
        int appendKeys = -1;
        int firstSlot = 0;
        int lastSlot = SlotHash.SLOT_COUNT - 1;
        int elements = 16;
        int connections = 8;
        int pipeline = 32;
        double warmup = 2;
        double warmupMax = 60;
        double seconds = 5;
        int rounds = 1;
        boolean checkAppends = true;
        Map<String, Integer> pids = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (arg.equals("--check-appends") || arg.equals("--no-check-appends")) {
                checkAppends = arg.equals("--check-appends");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--seeds" -> {
                    for (String seed : value.split(",")) {
                        int colon = seed.lastIndexOf(':');
                        if (colon < 0) {
                            throw new IllegalArgumentException("a seed is HOST:PORT, not " + seed);
                        }
                        seeds.add(RedisURI.create(seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1))));
                    }
                }
                case "--setup" -> setup = oneOf(arg, value, "redmap", "redis");
                case "--workload" -> workload = oneOf(arg, value, "vget", "vadd", "get", "rpush");
                case "--keys" -> keys = positive(arg, value);
                case "--append-keys" -> appendKeys = positive(arg, value);
                case "--elements" -> elements = positive(arg, value);
                case "--slots" -> {
                    String[] range = value.split("-");
                    if (range.length != 2) {
                        throw new IllegalArgumentException("--slots is FIRST-LAST, not " + value);
                    }
                    firstSlot = Integer.parseInt(range[0]);
                    lastSlot = Integer.parseInt(range[1]);
                    if (firstSlot < 0 || lastSlot >= SlotHash.SLOT_COUNT || firstSlot > lastSlot) {
                        throw new IllegalArgumentException("--slots " + value + " is not a range of slots");
                    }
                }
                case "--connections" -> connections = positive(arg, value);
                case "--pipeline" -> pipeline = positive(arg, value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--warmup-max" -> warmupMax = Double.parseDouble(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--rounds" -> rounds = positive(arg, value);
                case "--pid" -> {
                    int eq = value.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("--pid is HOST:PORT=PID, not " + value);
                    }
                    pids.put(value.substring(0, eq), Integer.parseInt(value.substring(eq + 1)));
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds is needed");
        }
        if ((setup == null) == (workload == null)) {
            throw new IllegalArgumentException("one of --setup and --workload is needed");
        }
        if (appendKeys < 0) {
            appendKeys = keys;
        }
        if (setup != null && (firstSlot != 0 || lastSlot != SlotHash.SLOT_COUNT - 1)) {
            throw new IllegalArgumentException("--slots goes with --workload, not --setup");
        }
        if (keys > SlotHash.SLOT_COUNT || appendKeys > SlotHash.SLOT_COUNT) {
            throw new IllegalArgumentException("--keys is at most " + SlotHash.SLOT_COUNT);
        }
        return new Options(seeds, setup, workload, keys, elements, appendKeys, firstSlot, lastSlot, connections,
                pipeline, warmup, warmupMax, seconds, rounds, pids, checkAppends);
    }

    private static String oneOf(String option, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException(option + " is one of " + String.join(", ", allowed) + ", not " + value);
    }

    private static int positive(String option, String value) {
        int n = Integer.parseInt(value);
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be positive, not " + value);
        }
        return n;
    }
}

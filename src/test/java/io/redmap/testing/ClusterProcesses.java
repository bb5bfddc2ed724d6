package io.redmap.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A redmap cluster of real processes on loopback for a test class: {@code shards} masters with one
 * replica each, every node started by {@link ServerProcess} with its own {@code dir} and a config
 * file that includes one shared {@code topology.conf} ({@code cluster-enabled yes} and one
 * {@code cluster-shard} line per shard, slots split as {@code redis-cli --cluster create} splits
 * them). Registered as a static JUnit extension, it starts the cluster before the class's tests,
 * once every replica says {@code master_link_status:up}, attaches every node's log to a failure,
 * and kills the nodes and deletes their directories after the class.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ClusterProcesses cluster = ClusterProcesses.of(3);
 * </pre>
 *
 * A test that needs the cluster for itself alone starts it with {@link #started()} and closes it.
 */
public final class ClusterProcesses implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler,
        AutoCloseable {
    public static final int SLOTS = 16384;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * Ports are taken below 30000 so that the bus port that CLUSTER NODES shows (port + 10000, as
     * Redis) is a real port number: clients parse {@code ip:port@cport}.
     */
    private static final int LOWEST_PORT = 20000;
    private static final int HIGHEST_PORT = 29999;
    /** A shard line of one slot range, a master and a replica (the form this class describes as a {@link Shard}). */
    private static final Pattern SHARD_LINE =
            Pattern.compile("cluster-shard (\\S+) (\\d+)-(\\d+) 127\\.0\\.0\\.1:(\\d+) 127\\.0\\.0\\.1:(\\d+)");
    /** What a node's log says when its port was taken (RedmapServer.start). */
    private static final String PORT_TAKEN = "could not listen on any of";

    private final int nodeCount;
    /** The topology file's lines for the nodes' ports (masters first). */
    private final Function<List<Integer>, List<String>> topology;
    private Path root;
    private final List<Shard> shards = new ArrayList<>();
    private final List<ServerProcess> processes = new ArrayList<>();

    /** One shard of the cluster as declared: its name, slots, and the ports of its master and replica. */
    public record Shard(String name, int firstSlot, int lastSlot, int masterPort, int replicaPort) {
        public boolean has(int slot) {
            return slot >= firstSlot && slot <= lastSlot;
        }

        public String slots() {
            return firstSlot + "-" + lastSlot;
        }
    }

    private ClusterProcesses(int nodeCount, Function<List<Integer>, List<String>> topology) {
        this.nodeCount = nodeCount;
        this.topology = topology;
    }

    /**
     * A cluster of {@code shards} masters, each with one replica; {@code extraLines} go into the
     * topology file too ({@code cluster-sentinel host:port}).
     */
    public static ClusterProcesses of(int shards, String... extraLines) {
        return new ClusterProcesses(2 * shards, ports -> {
            List<String> lines = new ArrayList<>(List.of("cluster-enabled yes"));
            for (int i = 0; i < shards; i++) {
                int[] range = slotRange(i, shards);
                lines.add("cluster-shard " + (char) ('a' + i) + " " + range[0] + "-" + range[1] + " 127.0.0.1:"
                        + ports.get(i) + " 127.0.0.1:" + ports.get(shards + i));
            }
            lines.addAll(List.of(extraLines));
            return lines;
        });
    }

    /**
     * A cluster of {@code nodes} nodes whose topology file is {@code topology} of their ports (in
     * order): a topology written elsewhere (a documentation page's) on free ports.
     */
    public static ClusterProcesses of(int nodes, Function<List<Integer>, List<String>> topology) {
        return new ClusterProcesses(nodes, topology);
    }

    /** For a test that starts and closes the cluster itself (rather than as an extension): started. */
    public ClusterProcesses started() throws IOException {
        start();
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (failure instanceof TestAbortedException) {
            throw failure;
        }
        throw new AssertionError(failure.getMessage() + "\n\ncluster logs:" + logs(), failure);
    }

    /**
     * Starts the nodes. Their ports were free when chosen, but another test on this machine may
     * take one before the node binds it: then the whole cluster starts again on other ports, once.
     */
    private void start() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                startOnFreePorts();
                return;
            } catch (AssertionError e) {
                boolean portTaken = Arrays.stream(e.getSuppressed())
                        .anyMatch(failure -> String.valueOf(failure.getMessage()).contains(PORT_TAKEN));
                if (attempt == 2 || !portTaken) {
                    throw e;
                }
            }
        }
    }

    private void startOnFreePorts() throws IOException {
        root = Files.createTempDirectory("redmap-cluster");
        shards.clear();
        List<Integer> ports = freePorts(nodeCount);
        List<String> lines = topology.apply(ports);
        for (String line : lines) {
            Matcher shard = SHARD_LINE.matcher(line);
            if (shard.matches()) {
                shards.add(new Shard(shard.group(1), Integer.parseInt(shard.group(2)), Integer.parseInt(shard.group(3)),
                        Integer.parseInt(shard.group(4)), Integer.parseInt(shard.group(5))));
            }
        }
        Files.write(root.resolve("topology.conf"), lines);
        // Started side by side (one thread each: a JVM start mostly waits): six JVMs one after the
        // other would take most of the class's time.
        List<Future<ServerProcess>> starting = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int port : ports) {
                Path dir = Files.createDirectories(root.resolve("node-" + port));
                Path config = dir.resolve("redmap.conf");
                Files.writeString(config, "include ../topology.conf\nport " + port + "\n");
                // ServerProcess gives --port 0 after the config file; the later --port wins.
                starting.add(threads.submit(() -> ServerProcess.startWithConfig(dir, config, "--port", Integer.toString(port))));
            }
        }
        List<Throwable> failures = new ArrayList<>();
        for (Future<ServerProcess> future : starting) {
            try {
                processes.add(future.get());
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            close();
            AssertionError error = new AssertionError("a cluster node did not start: " + failures.getFirst().getMessage());
            failures.forEach(error::addSuppressed);
            throw error;
        }
        for (Shard shard : shards) {
            awaitLinkUp(shard.replicaPort());
        }
    }

    /** The node's process (to kill it, read its log or its dir). */
    public ServerProcess node(int port) {
        return processes.stream().filter(process -> process.port() == port).findFirst().orElseThrow();
    }

    /** After the node on {@code port} was killed: starts it again on its directory, config and port. */
    public void restart(int port) {
        ServerProcess old = node(port);
        processes.set(processes.indexOf(old), old.restart());
    }

    /**
     * One query on a new Jedis connection: a connection of its own each time, since Sentinel kills
     * the normal clients of the nodes it reconfigures in a failover.
     */
    public <T> T query(int port, Function<Jedis, T> query) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return query.apply(jedis);
        }
    }

    /**
     * Kills the node on {@code port} and starts a new one in its place on an emptied {@code dir}
     * (its config file kept): a machine replaced, which knows only the declared topology and
     * what its master tells it. Returns once the new node listens.
     */
    public void replaceWithEmptyNode(int port) throws IOException {
        ServerProcess old = processes.stream().filter(process -> process.port() == port).findFirst().orElseThrow();
        old.kill();
        processes.remove(old);
        Path dir = dir(port);
        Path config = dir.resolve("redmap.conf");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dir) && !path.equals(config)) {
                    Files.delete(path);
                }
            }
        }
        processes.add(ServerProcess.startWithConfig(dir, config, "--port", Integer.toString(port)));
    }

    /** Waits until the node at {@code port} (a replica) has its link to its master up. */
    public void awaitLinkUp(int port) {
        Poll.until(TIMEOUT, "the replica on port " + port + " in sync with its master",
                () -> info(port, "master_link_status"), "up"::equals, this::logs);
    }

    /** A field of the node's INFO, or null when it has none. */
    public String info(int port, String field) {
        try (RawClient client = new RawClient(port)) {
            String reply = client.call("INFO");
            for (String line : reply.split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1);
                }
            }
            return null;
        }
    }

    /** The slots of shard {@code index} of {@code count}, as {@code redis-cli --cluster create} splits them. */
    static int[] slotRange(int index, int count) {
        double perShard = SLOTS / (double) count;
        int first = index == 0 ? 0 : (int) Math.round(index * perShard - 1) + 1;
        int last = index == count - 1 ? SLOTS - 1 : (int) Math.round((index + 1) * perShard - 1);
        return new int[] {first, last};
    }

    /** {@code count} loopback ports free now, below 30000 (see {@link #LOWEST_PORT}), in order. */
    public static List<Integer> freePorts(int count) throws IOException {
        Set<Integer> ports = new HashSet<>();
        int candidate = ThreadLocalRandom.current().nextInt(LOWEST_PORT, HIGHEST_PORT - 1000);
        while (ports.size() < count) {
            if (candidate > HIGHEST_PORT) {
                throw new IOException("no " + count + " free ports in " + LOWEST_PORT + "-" + HIGHEST_PORT);
            }
            if (isFree(candidate)) {
                ports.add(candidate);
            }
            candidate++;
        }
        return ports.stream().sorted().toList();
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public List<Shard> shards() {
        return shards;
    }

    /** The shard that serves {@code slot} as declared. */
    public Shard shardOf(int slot) {
        return shards.stream().filter(shard -> shard.has(slot)).findFirst().orElseThrow();
    }

    public List<Integer> masterPorts() {
        return shards.stream().map(Shard::masterPort).toList();
    }

    public List<Integer> replicaPorts() {
        return shards.stream().map(Shard::replicaPort).toList();
    }

    /** Every node's port, masters first. */
    public List<Integer> ports() {
        return Stream.concat(masterPorts().stream(), replicaPorts().stream()).toList();
    }

    /** The shared topology file that every node includes. */
    public Path topologyFile() {
        return root.resolve("topology.conf");
    }

    /** A node's {@code dir}. */
    public Path dir(int port) {
        return root.resolve("node-" + port);
    }

    /** Sends one command on a new connection and returns its whole reply, exactly as sent (see {@link RawClient#call}). */
    public String call(int port, String... words) {
        try (RawClient client = new RawClient(port)) {
            return client.call(words);
        }
    }

    /** The port of the master that the node on {@code port} names for {@code slot} (its CLUSTER SLOTS). */
    public int masterPortOf(int port, int slot) {
        return query(port, jedis -> {
            for (Object range : jedis.clusterSlots()) {
                List<?> fields = (List<?>) range;
                if ((Long) fields.get(0) <= slot && slot <= (Long) fields.get(1)) {
                    return ((Long) ((List<?>) fields.get(2)).get(1)).intValue();
                }
            }
            throw new AssertionError("the node on port " + port + " gives slot " + slot + " to no node");
        });
    }

    /** Every node's log, for a failure message. */
    public String logs() {
        StringBuilder text = new StringBuilder();
        for (ServerProcess process : processes) {
            text.append("\n----- log of the node on port ").append(process.port()).append(" -----\n").append(process.log());
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        for (ServerProcess process : processes) {
            process.close();
        }
        processes.clear();
        if (root != null && Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}

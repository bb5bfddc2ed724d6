package io.redmap.replication;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The servers of one test, registered as a JUnit extension ({@code @RegisterExtension}): every
 * failure of the test is rethrown with the log of every server attached, and every server is
 * killed after the test. Also the waiting: {@link #await} polls, with generous timeouts, until a
 * condition holds (never a fixed sleep, never an assertion on timing).
 */
final class Nodes implements AfterEachCallback, TestExecutionExceptionHandler {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<Node> nodes = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();

    /** A server with {@code options}. */
    Node start(String name, Path dir, String... options) {
        Node node = Node.start(name, dir, options);
        nodes.add(node);
        return node;
    }

    /** A server started with {@code --replicaof 127.0.0.1 <master's port>}. */
    Node replica(String name, Node master, Path dir, String... options) {
        List<String> words = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
        words.addAll(List.of(options));
        return start(name, dir, words.toArray(String[]::new));
    }

    Node startWithConfig(String name, Path config, Path dir, String... options) {
        Node node = Node.startWithConfig(name, config, dir, options);
        nodes.add(node);
        return node;
    }

    /** Something else to close after the test (a real redis-server...). */
    <T extends AutoCloseable> T closeLater(T closeable) {
        others.add(closeable);
        return closeable;
    }

    /** A loopback port free now: for a master that must come back on the same port. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until it holds; fails, naming {@code what}, after {@link #TIMEOUT}. */
    void await(String what, BooleanSupplier condition) {
        await(what, () -> condition.getAsBoolean(), ok -> ok);
    }

    /**
     * Polls {@code value} until {@code accepted} takes it, and returns it. An exception from
     * {@code value} (a server restarting) counts as not yet. Fails after {@link #TIMEOUT} with the
     * last value or exception.
     */
    <T> T await(String what, Supplier<T> value, Predicate<T> accepted) {
        return await(what, TIMEOUT, value, accepted);
    }

    /** As {@link #await(String, Supplier, Predicate)}, with another timeout. */
    <T> T await(String what, Duration timeout, Supplier<T> value, Predicate<T> accepted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (true) {
            try {
                T current = value.get();
                if (accepted.test(current)) {
                    return current;
                }
                last = current;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Waits until the replica says {@code master_link_status:up}. */
    void awaitLinkUp(Node replica) {
        await(replica.name() + " to have its master link up",
                () -> replica.info("replication", "master_link_status"), "up"::equals);
    }

    /**
     * {@code WAIT replicas 5000} on the master, repeated until it replies {@code replicas} (a
     * replica that is still syncing does not count yet). What a test asserts after this is what
     * the contract promises once WAIT has counted the replicas.
     */
    void awaitAcknowledged(Node master, int replicas) {
        await("WAIT " + replicas + " on " + master.name() + " to reply " + replicas,
                () -> master.call("WAIT", replicas, 5000), reply -> reply.equals((long) replicas));
    }

    /** Every server's log, for a failure message. */
    String logs() {
        StringBuilder text = new StringBuilder();
        for (Node node : nodes) {
            text.append("\n----- log of ").append(node).append(" -----\n").append(node.log());
        }
        return text.toString();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (failure instanceof TestAbortedException || nodes.isEmpty()) {
            throw failure;
        }
        AssertionError withLogs = new AssertionError(failure.getMessage() + "\n\nserver logs:" + logs(), failure);
        throw withLogs;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Node node : nodes) {
            node.close();
        }
        nodes.clear();
        for (AutoCloseable other : others) {
            try {
                other.close();
            } catch (Exception ignored) {
                // Cleanup only.
            }
        }
        others.clear();
    }
}

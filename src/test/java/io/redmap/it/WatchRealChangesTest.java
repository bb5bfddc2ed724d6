package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only a real change of a watched key aborts EXEC: a DEL, RENAME, MOVE or FLUSH that changed
 * nothing leaves the watcher's transaction to run, as in Redis 7 (checked against it).
 */
class WatchRealChangesTest {
    private static final String RUNS = "*1\r\n+PONG\r\n";
    private static final String ABORTED = "*-1\r\n";

    /**
     * A case: what the writer sets up ({@code NEW key} creates a key in its current database),
     * what it does after the watcher's WATCH w, and the watcher's EXEC then.
     */
    private record Case(String name, List<String> setup, List<String> change, String exec) {
    }

    private static Case of(String name, String setup, String change, String exec) {
        return new Case(name, setup.isEmpty() ? List.of() : List.of(setup.split(", ")), List.of(change.split(", ")), exec);
    }

    private static final List<Case> CASES = List.of(
            of("DEL of a missing watched key", "", "DEL w", RUNS),
            of("DEL of the watched key", "NEW w", "DEL w", ABORTED),
            of("UNLINK of a missing watched key", "", "UNLINK w", RUNS),
            of("DEL of other keys", "NEW x", "DEL x w", RUNS),
            of("FLUSHDB of an empty database", "", "FLUSHDB", RUNS),
            of("FLUSHALL of an empty server", "", "FLUSHALL", RUNS),
            of("FLUSHDB removing other keys", "NEW x", "FLUSHDB", RUNS),
            of("FLUSHDB removing the watched key", "NEW w", "FLUSHDB", ABORTED),
            of("FLUSHALL removing the watched key", "NEW w", "FLUSHALL", ABORTED),
            of("FLUSHDB of another database", "NEW w", "SELECT 1, FLUSHDB", RUNS),
            of("FLUSHALL removing w of another database", "SELECT 1, NEW w", "FLUSHALL", RUNS),
            of("RENAME of a missing key", "", "RENAME w z", RUNS),
            of("RENAME onto the watched key", "NEW x", "RENAME x w", ABORTED),
            of("RENAME of the watched key", "NEW w", "RENAME w z", ABORTED),
            of("RENAME of the watched key to itself", "NEW w", "RENAME w w", RUNS),
            of("RENAMENX onto a taken name", "NEW w, NEW z", "RENAMENX w z", RUNS),
            of("RENAMENX onto the watched key, taken", "NEW w, NEW z", "RENAMENX z w", RUNS),
            of("RENAMENX of the watched key to itself", "NEW w", "RENAMENX w w", RUNS),
            of("MOVE of a missing key", "", "MOVE w 1", RUNS),
            of("MOVE of the watched key", "NEW w", "MOVE w 1", ABORTED),
            of("MOVE onto a taken name", "NEW w, SELECT 1, NEW w, SELECT 0", "MOVE w 1", RUNS));

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void onlyRealChangesAbortTheWatchersExec() {
        List<String> ours = run(server.port(), CASES, key -> "MMAP " + key + " " + key + ".bin int8 1 WRITABLE");
        assertThat(ours).containsExactlyElementsOf(CASES.stream().map(c -> c.name() + ": " + c.exec()).toList());
        try (RealRedis redis = RealRedis.start()) {
            assertThat(run(redis.port(), CASES, key -> "SET " + key + " 1")).isEqualTo(ours);
        }
    }

    @Test
    void arrayWritesThatChangeNothingLeaveTheWatchersAlone() {
        List<Case> cases = List.of(
                of("VPOP of an empty array", "NEW w", "VPOP w", RUNS),
                of("VSYNC", "NEW w", "VSYNC w", RUNS),
                of("VADD", "NEW w", "VADD w 1", ABORTED),
                of("VPOP of the last element", "NEW w, VADD w 1", "VPOP w", ABORTED),
                of("a refused VADD", "NEW w", "VADD w 1000", RUNS));
        assertThat(run(server.port(), cases, key -> "MMAP " + key + " " + key + ".bin int8 1 WRITABLE"))
                .containsExactlyElementsOf(cases.stream().map(c -> c.name() + ": " + c.exec()).toList());
    }

    /** Each case on a flushed server: its name and the watcher's EXEC reply. */
    private static List<String> run(int port, List<Case> cases, Function<String, String> create) {
        List<String> results = new ArrayList<>();
        int files = 0;
        for (Case c : cases) {
            try (RawClient watcher = new RawClient(port); RawClient writer = new RawClient(port)) {
                writer.call("FLUSHALL");
                for (String step : c.setup()) {
                    // Two keys of the same name (in two databases) get two files.
                    String command = step.startsWith("NEW ") ? create.apply(step.substring(4)) : step;
                    writer.call((command.startsWith("MMAP") ? command.replace(".bin", files++ + ".bin") : command).split(" "));
                }
                watcher.call("WATCH", "w");
                for (String step : c.change()) {
                    writer.call(step.split(" "));
                }
                Exchanges.run(watcher, "MULTI", "PING");
                results.add(c.name() + ": " + watcher.call("EXEC"));
            }
        }
        return results;
    }
}

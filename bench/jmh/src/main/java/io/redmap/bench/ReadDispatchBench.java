package io.redmap.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmap.command.CommandDispatcher;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.RedmapServer;
import io.redmap.server.ServerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the command lock costs a read: {@code CommandDispatcher.dispatch} of {@code VGET d i} (a
 * random index of 100,000 doubles) on a real embedded server, by a dispatcher that takes the lock
 * for every command ({@code path=locked}, as before LockFreeReads: {@code -Dredmap.lockedReads=true}
 * when it was made) and by one that reads without it ({@code path=lockFree}), on 1 thread and on 2
 * threads at once. No network: the score is dispatches per microsecond, all threads together.
 *
 * <pre>bench/jmh/run ReadDispatchBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadDispatchBench {
    static final int COUNT = 100_000;
    private static final AtomicLong SESSION_IDS = new AtomicLong(1_000_000);

    @Param({"lockFree", "locked"})
    public String path;

    private Path dir;
    private RedmapServer server;
    private CommandDispatcher dispatcher;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("redmap-jmh-reads");
        server = RedmapServer.start(ServerConfig.fromArgs(new String[] {
            "--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString(), "--loglevel", "warning"}));
        System.setProperty("redmap.lockedReads", String.valueOf(path.equals("locked")));
        try {
            dispatcher = new CommandDispatcher(server.state());
        } finally {
            System.clearProperty("redmap.lockedReads");
        }
        ClientSession setup = new ClientSession(1, null, true);
        run(setup, "MMAP", "d", "d.bin", "double", "WRITABLE");
        String[] values = new String[1 + 1000];
        values[0] = "d";
        for (int batch = 0; batch < COUNT / 1000; batch++) {
            for (int i = 1; i < values.length; i++) {
                values[i] = String.valueOf((batch * 1000 + i) * 0.25);
            }
            run(setup, "VADD", values);
        }
        String count = run(setup, "VCOUNT", "d");
        if (!count.equals(":" + COUNT + "\r\n")) {
            throw new IllegalStateException("VCOUNT replied " + count);
        }
    }

    private String run(ClientSession session, String command, String... args) {
        byte[][] words = new byte[args.length + 1][];
        words[0] = command.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < args.length; i++) {
            words[i + 1] = args[i].getBytes(StandardCharsets.US_ASCII);
        }
        ByteBuf out = Unpooled.buffer();
        dispatcher.dispatch(session, Request.of(words), new Reply(out, 2));
        server.state().commandLock().lock(); // what a connection does before it replies
        try {
            server.state().keyspace().store().flushPendingAppends();
        } finally {
            server.state().commandLock().unlock();
        }
        String reply = out.toString(StandardCharsets.US_ASCII);
        out.release();
        return reply;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /** One connection: its session, its output buffer, and the requests it sends in turn. */
    @State(Scope.Thread)
    public static class Connection {
        ClientSession session;
        ByteBuf out;
        Request[] requests;
        int next;

        @Setup(Level.Trial)
        public void open() {
            session = new ClientSession(SESSION_IDS.incrementAndGet(), null, true);
            out = Unpooled.directBuffer(256);
            SplittableRandom random = new SplittableRandom(SESSION_IDS.get());
            requests = new Request[1024];
            for (int i = 0; i < requests.length; i++) {
                requests[i] = Request.of("VGET".getBytes(StandardCharsets.US_ASCII), new byte[] {'d'},
                        String.valueOf(random.nextInt(COUNT)).getBytes(StandardCharsets.US_ASCII));
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            out.release();
        }
    }

    private int vget(Connection connection) {
        ByteBuf out = connection.out;
        out.clear();
        dispatcher.dispatch(connection.session, connection.requests[connection.next++ & 1023], new Reply(out, 2));
        return out.writerIndex();
    }

    @Benchmark
    @Threads(1)
    public int vgetOneThread(Connection connection) {
        return vget(connection);
    }

    @Benchmark
    @Threads(2)
    public int vgetTwoThreads(Connection connection) {
        return vget(connection);
    }
}

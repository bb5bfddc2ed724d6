package io.redmap.server;

import java.io.FileOutputStream;
import java.io.PrintStream;

/** {@code redmap-server [config-file] [--name value ...]}, as redis-server. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            System.out.println("redmap server v=" + ServerState.VERSION + " (Redis " + ServerState.REDIS_VERSION + " protocol)");
            return;
        }
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("Usage: redmap-server [/path/to/redis.conf] [--name value ...]");
            System.out.println("Examples: redmap-server --port 7777 --dir /data/arrays --mmap-sync always");
            return;
        }
        NettyLog.install();
        StartAhead.begin();
        ServerConfig config;
        try {
            config = ServerConfig.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("*** FATAL CONFIG FILE ERROR *** " + e.getMessage());
            System.exit(1);
            return;
        }
        String logfile = config.get("logfile");
        Log.configure(logfile.isEmpty() ? System.out : new PrintStream(new FileOutputStream(logfile, true), true),
                config.get("loglevel"));
        RedmapServer server;
        try {
            server = RedmapServer.start(config);
        } catch (Exception e) {
            Log.warning("Failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            if (!server.isClosed()) {
                Log.notice("Received SIGTERM scheduling shutdown...");
                server.close();
            }
        }));
        server.awaitShutdown();
        // SHUTDOWN ends the process too, as with redis-server.
        System.exit(0);
    }
}

package io.redmap.server;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Log lines in redis-server's format ({@code pid:M 24 Nov 2026 10:00:00.000 * message}), on
 * standard output or the configured logfile. Deliberately tiny: the server logs little.
 */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS");
    private static final long PID = ProcessHandle.current().pid();
    private static volatile PrintStream out = System.out;
    private static volatile int minimum = 2;
    /** Redis's role letter after the pid: M on a master, S on a replica. */
    private static volatile char role = 'M';

    private Log() {
    }

    static void configure(PrintStream stream, String level) {
        out = stream;
        level(level);
    }

    static void level(String level) {
        minimum = switch (level) {
            case "debug" -> 0;
            case "verbose" -> 1;
            case "warning" -> 3;
            case "nothing" -> 4;
            default -> 2;
        };
    }

    /** The server became a replica (S) or a master (M): later lines say so, as Redis's do. */
    public static void role(boolean replica) {
        role = replica ? 'S' : 'M';
    }

    public static void notice(String message) {
        write(2, '*', message);
    }

    public static void warning(String message) {
        write(3, '#', message);
    }

    public static void verbose(String message) {
        write(1, '-', message);
    }

    private static void write(int level, char mark, String message) {
        if (level >= minimum) {
            out.println(PID + ":" + role + " " + LocalDateTime.now().format(TIME) + " " + mark + " " + message);
            out.flush();
        }
    }
}

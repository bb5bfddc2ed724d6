package io.redmap.server;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

/**
 * Log lines in redis-server's format ({@code pid:M 24 Nov 2026 10:00:00.000 * message}), on
 * standard output or the configured logfile. Deliberately tiny: the server logs little.
 */
public final class Log {
    /** strftime's {@code %b} in the C locale, as Redis writes it whatever the system's locale. */
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
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

    /** Whether lines of {@code level} (0 debug, 1 verbose, 2 notice, 3 warning) are written. */
    static boolean enabled(int level) {
        return level >= minimum;
    }

    /** A line at {@code level} (0 debug, 1 verbose, 2 notice, 3 warning), marked as Redis marks it. */
    static void write(int level, String message) {
        write(level, ".-*#".charAt(level), message);
    }

    private static void write(int level, char mark, String message) {
        if (level >= minimum) {
            out.println(PID + ":" + role + " " + now() + " " + mark + " " + message);
            out.flush();
        }
    }

    /**
     * The local time as {@code 24 Nov 2026 10:00:00.000}. Written by hand: java.time's formatter
     * and default zone (locale data, the zone rules converted) cost a start a tenth of a second
     * before its first line, while TimeZone's offset is cheap.
     */
    private static String now() {
        return timestamp(System.currentTimeMillis(), TimeZone.getDefault());
    }

    static String timestamp(long millis, TimeZone zone) {
        int offset = zone.getOffset(millis) / 1000;
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000),
                (int) Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.ofTotalSeconds(offset));
        StringBuilder text = new StringBuilder(24);
        twoDigits(text, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ')
                .append(t.getYear()).append(' ');
        twoDigits(text, t.getHour()).append(':');
        twoDigits(text, t.getMinute()).append(':');
        twoDigits(text, t.getSecond()).append('.');
        int ms = t.getNano() / 1_000_000;
        return text.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
                .append((char) ('0' + ms % 10)).toString();
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}

package io.redmap.server;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Netty's own messages in the server's log ({@link Log}), at the server's log level: warnings and
 * errors as warnings, info as verbose, debug and trace as debug.
 *
 * <p>Without it, Netty looks for SLF4J, Log4j 2 and Log4j before it settles on java.util.logging,
 * whose lines go to standard error in another format; that search and java.util.logging's set-up
 * cost a start 40 ms of CPU on the way to the first reply (async-profiler, empty directory).
 * {@link #install} must run before the first Netty class that logs is initialised.
 */
final class NettyLog extends AbstractInternalLogger {
    private static final int DEBUG = 0;
    private static final int VERBOSE = 1;
    private static final int WARNING = 3;

    private final String source;

    private NettyLog(String name) {
        super(name);
        this.source = name.substring(name.lastIndexOf('.') + 1);
    }

    /** Sends every Netty logger made from now on to the server's log. */
    static void install() {
        InternalLoggerFactory.setDefaultFactory(new InternalLoggerFactory() {
            @Override
            protected InternalLogger newInstance(String name) {
                return new NettyLog(name);
            }
        });
    }

    // Netty's message formats: each "{}" takes the next argument, as SLF4J's.
    static String format(String format, Object... arguments) {
        StringBuilder text = new StringBuilder(format.length() + 16);
        int from = 0;
        int next = 0;
        for (int at = format.indexOf("{}"); at >= 0 && next < arguments.length; at = format.indexOf("{}", from)) {
            text.append(format, from, at).append(arguments[next++]);
            from = at + 2;
        }
        text.append(format, from, format.length());
        // SLF4J's convention: a Throwable left over after the placeholders is the cause.
        if (next < arguments.length && arguments[arguments.length - 1] instanceof Throwable cause) {
            appendCause(text, cause);
        }
        return text.toString();
    }

    private static void appendCause(StringBuilder text, Throwable cause) {
        text.append(": ").append(cause);
        if (Log.enabled(VERBOSE)) { // stack traces only for those who asked for detail
            StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            text.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
    }

    private void write(int level, String format, Object... arguments) {
        if (Log.enabled(level)) {
            Log.write(level, "Netty (" + source + "): " + format(format, arguments));
        }
    }

    private void writeCause(int level, String message, Throwable cause) {
        if (Log.enabled(level)) {
            StringBuilder text = new StringBuilder("Netty (").append(source).append("): ").append(message);
            appendCause(text, cause);
            Log.write(level, text.toString());
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return Log.enabled(DEBUG);
    }

    @Override
    public void trace(String message) {
        write(DEBUG, message);
    }

    @Override
    public void trace(String format, Object argument) {
        write(DEBUG, format, argument);
    }

    @Override
    public void trace(String format, Object first, Object second) {
        write(DEBUG, format, first, second);
    }

    @Override
    public void trace(String format, Object... arguments) {
        write(DEBUG, format, arguments);
    }

    @Override
    public void trace(String message, Throwable cause) {
        writeCause(DEBUG, message, cause);
    }

    @Override
    public boolean isDebugEnabled() {
        return Log.enabled(DEBUG);
    }

    @Override
    public void debug(String message) {
        write(DEBUG, message);
    }

    @Override
    public void debug(String format, Object argument) {
        write(DEBUG, format, argument);
    }

    @Override
    public void debug(String format, Object first, Object second) {
        write(DEBUG, format, first, second);
    }

    @Override
    public void debug(String format, Object... arguments) {
        write(DEBUG, format, arguments);
    }

    @Override
    public void debug(String message, Throwable cause) {
        writeCause(DEBUG, message, cause);
    }

    @Override
    public boolean isInfoEnabled() {
        return Log.enabled(VERBOSE);
    }

    @Override
    public void info(String message) {
        write(VERBOSE, message);
    }

    @Override
    public void info(String format, Object argument) {
        write(VERBOSE, format, argument);
    }

    @Override
    public void info(String format, Object first, Object second) {
        write(VERBOSE, format, first, second);
    }

    @Override
    public void info(String format, Object... arguments) {
        write(VERBOSE, format, arguments);
    }

    @Override
    public void info(String message, Throwable cause) {
        writeCause(VERBOSE, message, cause);
    }

    @Override
    public boolean isWarnEnabled() {
        return Log.enabled(WARNING);
    }

    @Override
    public void warn(String message) {
        write(WARNING, message);
    }

    @Override
    public void warn(String format, Object argument) {
        write(WARNING, format, argument);
    }

    @Override
    public void warn(String format, Object first, Object second) {
        write(WARNING, format, first, second);
    }

    @Override
    public void warn(String format, Object... arguments) {
        write(WARNING, format, arguments);
    }

    @Override
    public void warn(String message, Throwable cause) {
        writeCause(WARNING, message, cause);
    }

    @Override
    public boolean isErrorEnabled() {
        return Log.enabled(WARNING);
    }

    @Override
    public void error(String message) {
        write(WARNING, message);
    }

    @Override
    public void error(String format, Object argument) {
        write(WARNING, format, argument);
    }

    @Override
    public void error(String format, Object first, Object second) {
        write(WARNING, format, first, second);
    }

    @Override
    public void error(String format, Object... arguments) {
        write(WARNING, format, arguments);
    }

    @Override
    public void error(String message, Throwable cause) {
        writeCause(WARNING, message, cause);
    }
}

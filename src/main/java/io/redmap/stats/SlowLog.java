package io.redmap.stats;

import io.redmap.protocol.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;

/**
 * SLOWLOG's entries, newest first, as Redis keeps them (slowlog.c): at most 32 arguments (the last
 * says how many more there were), arguments longer than 128 bytes cut with how many more bytes
 * they had, passwords redacted. Only commands at least {@code slowlog-log-slower-than} get here.
 */
public final class SlowLog {
    static final int MAX_ARGS = 32;
    static final int MAX_STRING = 128;

    /** One logged command, as SLOWLOG GET shows it. */
    public record Entry(long id, long unixSeconds, long micros, List<byte[]> args, String client, String clientName) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    /** Logs a command that took {@code micros}; trims the log to {@code maxLength} entries. */
    public synchronized void add(String commandName, Request args, long micros, String client, String clientName,
                                 long maxLength) {
        entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, micros, shown(commandName, args),
                client, clientName));
        while (entries.size() > maxLength) {
            entries.removeLast();
        }
    }

    static List<byte[]> shown(String commandName, Request args) {
        BitSet hidden = Redaction.hidden(commandName, args);
        int argc = Math.min(args.size(), MAX_ARGS);
        List<byte[]> shown = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            if (argc != args.size() && i == argc - 1) {
                shown.add(ascii("... (" + (args.size() - argc + 1) + " more arguments)"));
            } else if (hidden.get(i)) {
                shown.add(Redaction.REDACTED);
            } else {
                shown.add(cut(args.word(i)));
            }
        }
        return shown;
    }

    private static byte[] cut(byte[] word) {
        if (word.length <= MAX_STRING) {
            return word.clone();
        }
        byte[] more = ascii("... (" + (word.length - MAX_STRING) + " more bytes)");
        byte[] cut = Arrays.copyOf(word, MAX_STRING + more.length);
        System.arraycopy(more, 0, cut, MAX_STRING, more.length);
        return cut;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The newest {@code count} entries (all of them for a negative count). */
    public synchronized List<Entry> newest(long count) {
        List<Entry> newest = new ArrayList<>();
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && (count < 0 || newest.size() < count)) {
            newest.add(it.next());
        }
        return newest;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }
}

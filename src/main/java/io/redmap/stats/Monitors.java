package io.redmap.stats;

import io.netty.buffer.Unpooled;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connections in MONITOR mode, and the line each command becomes for them, as Redis's
 * replicationFeedMonitors writes it: {@code +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"}.
 */
public final class Monitors {
    private final List<ClientSession> sessions = new CopyOnWriteArrayList<>();

    public void add(ClientSession session) {
        if (!sessions.contains(session)) {
            sessions.add(session);
        }
    }

    /** RESET, or a closed connection. */
    public void remove(ClientSession session) {
        sessions.remove(session);
    }

    public boolean contains(ClientSession session) {
        return sessions.contains(session);
    }

    /** Whether any connection listens: the one check a command pays when none does. */
    public boolean isEmpty() {
        return sessions.isEmpty();
    }

    /** Sends every monitor the line of a command that {@code from} ran in database {@code db}. */
    public void feed(ClientSession from, int db, String commandName, Request args) {
        byte[] line = line(Instant.now(), db, from.address(), commandName, args);
        for (ClientSession monitor : sessions) {
            if (monitor.killed() || monitor.channel() != null && !monitor.channel().isActive()) {
                sessions.remove(monitor); // closed: nobody reads its lines any more
                continue;
            }
            monitor.send(Unpooled.wrappedBuffer(line));
        }
    }

    static byte[] line(Instant now, int db, String client, String commandName, Request args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(String.format("+%d.%06d [%d %s]", now.getEpochSecond(), now.getNano() / 1000, db, client)
                .getBytes(StandardCharsets.UTF_8));
        BitSet hidden = Redaction.hidden(commandName, args);
        for (int i = 0; i < args.size(); i++) {
            out.write(' ');
            quote(out, hidden.get(i) ? Redaction.REDACTED : args.word(i));
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /** Redis's sdscatrepr: a quoted string with escapes for quotes, backslashes and unprintable bytes. */
    static void quote(ByteArrayOutputStream out, byte[] word) {
        out.write('"');
        for (byte b : word) {
            switch (b) {
                case '\\', '"' -> {
                    out.write('\\');
                    out.write(b);
                }
                case '\n' -> escape(out, 'n');
                case '\r' -> escape(out, 'r');
                case '\t' -> escape(out, 't');
                case 7 -> escape(out, 'a');
                case '\b' -> escape(out, 'b');
                default -> {
                    if (b >= 0x20 && b <= 0x7e) {
                        out.write(b);
                    } else {
                        out.writeBytes(String.format("\\x%02x", b & 0xff).getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        out.write('"');
    }

    private static void escape(ByteArrayOutputStream out, char c) {
        out.write('\\');
        out.write(c);
    }
}

package io.redmap.cluster;

import io.redmap.tls.TlsContexts;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking RESP2 connection to another server, for the cluster's few conversations that are
 * request and answer on a thread of their own: asking Sentinel, following its announcements, and
 * MIGRATE (which, as Redis's, waits for the target with a timeout). Replies come back as
 * {@code String} (simple), {@code byte[]} (bulk), {@code Long}, {@code List<Object>}, {@code null} or
 * {@link Error}; {@link #text} reads a bulk or simple string as text.
 */
final class RespConnection implements AutoCloseable {
    /** An error reply: the other side refused, the connection itself is fine. */
    record Error(String text) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespConnection(String host, int port, int timeoutMillis) throws IOException {
        this(host, port, timeoutMillis, null);
    }

    /** @param tls the TLS of the link ({@code tls-cluster yes}), or null for a plain one */
    RespConnection(String host, int port, int timeoutMillis, TlsContexts tls) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            plain.setTcpNoDelay(true);
            socket = tls == null ? plain : tls.secure(plain, host, port);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
    }

    /** A read timeout of 0 waits for ever (a subscription). */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    Object call(String... words) throws IOException {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        }
        return call(args);
    }

    Object call(byte[]... args) throws IOException {
        send(args);
        flush();
        return read();
    }

    /** Writes a command without waiting for its reply (call {@link #flush} to send). */
    void send(byte[]... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : args) {
            out.write(('$' + Integer.toString(arg.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(arg);
            out.write('\r');
            out.write('\n');
        }
    }

    /** A command whose last argument is a slice of a larger buffer (a file block). */
    void send(byte[][] head, byte[] data, int length) throws IOException {
        out.write(('*' + Integer.toString(head.length + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : head) {
            out.write(('$' + Integer.toString(arg.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(arg);
            out.write('\r');
            out.write('\n');
        }
        out.write(('$' + Integer.toString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data, 0, length);
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by " + socket.getRemoteSocketAddress());
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new Error(line);
            case ':' -> Long.parseLong(line);
            case '$' -> bulk(Integer.parseInt(line));
            case '*' -> array(Integer.parseInt(line));
            default -> throw new IOException("not a RESP reply: '" + (char) type + line + "'");
        };
    }

    private byte[] bulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("connection closed in a reply");
        }
        return data;
    }

    /** A simple or bulk string reply as text, or null for anything else. */
    static String text(Object reply) {
        return switch (reply) {
            case String text -> text;
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case null, default -> null;
        };
    }

    private List<Object> array(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            items.add(read());
        }
        return items;
    }

    private String line() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed in a reply");
            }
            text.append((char) b);
        }
        in.read(); // '\n'
        return text.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing: nothing left to lose.
        }
    }
}

package io.redmap.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain socket to the server, for tests of the exact bytes on the wire: send raw bytes or a
 * RESP command, read back exactly what the server wrote.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RawClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawClient send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends bytes that the server may refuse before they all arrive: a connection reset or broken
     * pipe while writing is the server closing, which {@link #closedByServer()} then reports.
     */
    public RawClient sendUntilClosed(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException closedWhileWriting) {
            // The server cut the connection mid-request; the caller checks closedByServer().
        }
        return this;
    }

    /** Sends a command as a RESP multibulk request. */
    public RawClient command(String... words) {
        StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
        }
        return send(request.toString());
    }

    /** Reads exactly {@code n} bytes. */
    public byte[] read(int n) {
        try {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly as many bytes as {@code expected} has and returns them as text, for comparing. */
    public String readLike(String expected) {
        return new String(read(expected.getBytes(StandardCharsets.UTF_8).length), StandardCharsets.UTF_8);
    }

    /** Reads one line, CRLF included. */
    public String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int previous = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                line.write(b);
                if (previous == '\r' && b == '\n') {
                    break;
                }
                previous = b;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads one whole reply (RESP2 or RESP3, nested aggregates included) and returns its bytes
     * as text, exactly as sent; empty when the server closed the connection first.
     */
    public String readReply() {
        StringBuilder reply = new StringBuilder();
        readReply(reply);
        return reply.toString();
    }

    private void readReply(StringBuilder reply) {
        String line = readLine();
        reply.append(line);
        if (line.length() < 3) {
            return;
        }
        char type = line.charAt(0);
        long length = type == '_' || type == '#' || type == ',' ? 0 : parseLength(line);
        switch (type) {
            case '$', '=', '!' -> {
                if (length >= 0) {
                    reply.append(new String(read((int) length + 2), StandardCharsets.UTF_8));
                }
            }
            case '*', '~', '>' -> {
                for (long i = 0; i < length; i++) {
                    readReply(reply);
                }
            }
            case '%', '|' -> {
                for (long i = 0; i < 2 * length; i++) {
                    readReply(reply);
                }
            }
            default -> {
                // A single-line reply: +simple, -error, :integer, _null, #bool, ,double, (big number.
            }
        }
    }

    private static long parseLength(String line) {
        try {
            return Long.parseLong(line.substring(1, line.length() - 2));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Sends a command and reads its whole reply (see {@link #readReply()}). */
    public String call(String... words) {
        return command(words).readReply();
    }

    /** Whether the server closed the connection (reads until end of stream, up to the timeout). */
    public boolean closedByServer() {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do about a socket that fails to close.
        }
    }
}

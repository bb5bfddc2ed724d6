package io.redmap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.redmap.protocol.DirectSink;
import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyStream;

/**
 * Writes one connection's large reply ({@link ReplyStream}) a chunk at a time, whenever the event
 * loop's {@link StreamPump} gives it a turn, so that the loop's other clients are served in
 * between, and only while the client keeps up with reading (back-pressure). When the reply is
 * complete it tells its {@link ConnectionHandler}, whose waiting requests run then.
 */
final class ReplyStreamWriter implements StreamPump.Source {
    /** A stream's output is sent when this much of it is written (or the reply is complete). */
    private static final int SEND_BYTES = 64 << 10;

    private final ServerState server;
    private final ConnectionHandler connection;
    private ChannelHandlerContext context;
    private ClientSession session;
    private ReplyStream streaming;
    /** Whether this connection waits in its loop's {@link StreamPump} for a chunk. */
    private boolean inPump;
    /** The part of the stream written and not yet sent. */
    private ByteBuf unsent;
    /** {@link #directSink()}: looked up at the first stream of the connection. */
    private DirectSink directSink;
    private boolean directSinkKnown;

    ReplyStreamWriter(ServerState server, ConnectionHandler connection) {
        this.server = server;
        this.connection = connection;
    }

    /** Whether a stream is being written (requests that arrive meanwhile wait). */
    boolean active() {
        return streaming != null;
    }

    /** Starts writing {@code stream}, after the replies before it were flushed. */
    void start(ChannelHandlerContext ctx, ClientSession session, ReplyStream stream) {
        this.context = ctx;
        this.session = session;
        streaming = stream;
        stream.resumeWith(() -> ctx.executor().execute(() -> {
            if (streaming == stream) {
                nextChunk();
            }
        }));
        nextChunk();
    }

    /**
     * Writes the current stream on until {@code deadline} ({@link StreamPump} calls this, each of
     * the loop's streams in turn). Chunks are small (a few microseconds of work) and
     * gathered into one buffer, sent when it holds {@link #SEND_BYTES} or the reply is complete.
     * They are produced only while the channel is writable, i.e. while less than the high-water
     * mark of output waits for the client: a slow reader is sent the whole reply at its own pace
     * and holds a bounded part of it ({@link ConnectionHandler#channelWritabilityChanged} queues it again).
     */
    @Override
    public boolean writeUntil(long deadline) {
        inPump = false;
        while (streaming != null && !streaming.paused() && context.channel().isActive() && context.channel().isWritable()) {
            if (unsent == null) {
                unsent = context.alloc().ioBuffer(SEND_BYTES);
            }
            boolean done;
            try {
                done = streaming.writeChunk(new Reply(unsent, session.protocol()).sendingDirectly(directSink()));
            } catch (RuntimeException | InternalError e) {
                // Half a reply is already on the wire: the only safe end is to close the connection.
                Log.warning("closing client " + session.address() + ": a streamed reply failed: " + e.getMessage());
                end();
                context.close();
                return false;
            }
            if (done || unsent.readableBytes() >= SEND_BYTES) {
                sendUnsent();
            }
            if (done) {
                end();
                connection.streamComplete();
                return false;
            }
            if (System.nanoTime() >= deadline) {
                inPump = context.channel().isWritable();
                return inPump;
            }
        }
        if (streaming != null && !context.channel().isActive()) {
            end();
        }
        return false;
    }

    /** Where a gather's rows go without a copy ({@link SocketSink}): null on TLS or NIO, known once the channel is. */
    private DirectSink directSink() {
        if (!directSinkKnown) {
            directSink = SocketSink.of(context.channel(), server.stats().bytesWritten);
            directSinkKnown = true;
        }
        return directSink;
    }

    private void sendUnsent() {
        ByteBuf chunk = unsent;
        unsent = null;
        server.stats().bytesWritten.add(chunk.readableBytes());
        context.writeAndFlush(chunk, context.voidPromise());
    }

    /** Queues this connection's stream for its next chunk, unless it is queued already. */
    void nextChunk() {
        if (!inPump) {
            inPump = true;
            StreamPump.current().add(this, context.executor());
        }
    }

    /** Drops the stream and what of it was not sent (complete, failed, or the connection closed). */
    void end() {
        if (streaming != null) {
            streaming.close();
            streaming = null;
        }
        if (unsent != null) {
            unsent.release();
            unsent = null;
        }
    }
}

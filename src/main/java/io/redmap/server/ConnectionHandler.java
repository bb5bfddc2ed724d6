package io.redmap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.redmap.BatchClock;
import io.redmap.command.CommandDispatcher;
import io.redmap.protocol.ProtocolException;
import io.redmap.protocol.Reply;
import io.redmap.protocol.ReplyScratch;
import io.redmap.protocol.ReplyStream;
import io.redmap.protocol.Request;

import java.util.ArrayDeque;

/**
 * One client connection: runs each decoded request through the dispatcher and gathers the
 * replies of a whole read (a pipeline) into one buffer, written and flushed once.
 *
 * <p>A large reply ({@link ReplyStream}) is written a chunk at a time by its
 * {@link ReplyStreamWriter}, so that the loop's other clients are served in between, and only
 * while the client keeps up with reading (back-pressure); requests that arrive meanwhile wait in order.
 * A client whose other unsent output passes its {@code client-output-buffer-limit} is
 * disconnected, as Redis does.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private final ServerState server;
    private final CommandDispatcher dispatcher;
    private ClientSession session;
    private ByteBuf pending;
    /** Where this connection's replies format their numbers, one request after another. */
    private final ReplyScratch scratch = new ReplyScratch();
    /** The large reply being written, if any. */
    private final ReplyStreamWriter streams;
    private ChannelHandlerContext context;
    private final OutputBufferLimits.SoftLimitClock softLimit = new OutputBufferLimits.SoftLimitClock();
    /** Requests that arrived while a stream was being written, in order. */
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private static final int BACKLOG_PAUSE = 1024;
    /**
     * Published messages that arrived while a reply was not yet whole on the wire (a stream being
     * written, replies waiting for appends): sent after it, never in the middle of it.
     */
    private ByteBuf heldMessages;
    /** Batches of replies handed to {@link AppendGroup} and not sent yet. */
    private int repliesAwaitingAppends;
    /** Whether a command waits for CLIENT PAUSE to end (it and those after it wait in the backlog). */
    private boolean paused;

    ConnectionHandler(ServerState server, CommandDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.streams = new ReplyStreamWriter(server, this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context = ctx;
        server.stats().connectionsReceived.increment();
        if (!ConnectionAdmission.admit(server, ctx)) {
            return;
        }
        session = new ClientSession(server.clients().nextId(), ctx.channel(), false);
        session.startAsDefaultUser(server.acl().defaultUser());
        server.clients().add(session);
        // The publisher may run on another event loop: the message is written on this one.
        session.messageSink(message -> {
            try {
                ctx.executor().execute(() -> writeMessage(ctx, message));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                message.release(); // the server is shutting down: nobody is left to send it to
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (session == null || session.killed()) {
            return;
        }
        if (streams.active() || paused) {
            backlog.add(message);
            if (backlog.size() == BACKLOG_PAUSE) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        handle(ctx, message);
    }

    private void handle(ChannelHandlerContext ctx, Object message) {
        if (pending == null) {
            // The first request of a batch: its replies go out together, and it reads the clock.
            pending = ctx.alloc().ioBuffer();
            BatchClock.tick();
            session.commandClock().batchStarted(BatchClock.nanos());
        }
        if (message instanceof ProtocolException error) {
            server.stats().protocolErrors.increment();
            server.stats().errorReply("ERR " + error.getMessage());
            new Reply(pending, session.protocol()).error("ERR " + error.getMessage());
            session.closeAfterReply(true);
            flush(ctx);
            return;
        }
        if (session.closeAfterReply()) {
            return; // QUIT was earlier in this pipeline: the rest is not executed.
        }
        Request request = (Request) message;
        if (server.clientPause().mayHold()) {
            long pausedFor = server.clientPause().remainingMillis(session.type(), dispatcher.heldByWritePause(session, request));
            if (pausedFor > 0) {
                waitForUnpause(ctx, request, pausedFor);
                return;
            }
        }
        int mark = pending.writerIndex();
        Reply reply = new Reply(pending, session.protocol(), true, scratch);
        dispatcher.dispatch(session, request, reply);
        if (session.replies().dropAfterCommand() && reply.buffer() == pending) {
            pending.writerIndex(mark); // CLIENT REPLY OFF or SKIP
        }
        ReplyStream stream = reply.takeStream();
        if (stream != null) {
            flush(ctx);
            streams.start(ctx, session, stream);
        }
    }

    /**
     * CLIENT PAUSE holds this request: it and those after it wait (reading stops meanwhile) until
     * CLIENT UNPAUSE or the pause's deadline, whichever comes first; the replies before it go out now.
     */
    private void waitForUnpause(ChannelHandlerContext ctx, Request request, long millis) {
        paused = true;
        backlog.addFirst(request);
        ctx.channel().config().setAutoRead(false);
        flush(ctx);
        Runnable wake = () -> ctx.executor().execute(() -> resumeAfterPause(ctx));
        server.clientPause().whenUnpaused(wake);
        ctx.executor().schedule(wake, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void resumeAfterPause(ChannelHandlerContext ctx) {
        if (!paused) {
            return;
        }
        paused = false;
        while (!paused && !streams.active() && !backlog.isEmpty() && ctx.channel().isActive()) {
            handle(ctx, backlog.poll());
        }
        if (!paused && !streams.active()) {
            flush(ctx);
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * A published message for this subscriber, on its own loop: written at once unless a reply is
     * still on its way; either way its unsent bytes count against the pubsub class's output limit.
     */
    private void writeMessage(ChannelHandlerContext ctx, ByteBuf message) {
        if (!ctx.channel().isActive()) {
            message.release();
            return;
        }
        if (streams.active() || repliesAwaitingAppends > 0) {
            if (heldMessages == null) {
                heldMessages = ctx.alloc().buffer(message.readableBytes());
            }
            heldMessages.writeBytes(message);
            message.release();
            overOutputLimit(ctx);
            return;
        }
        server.stats().bytesWritten.add(message.readableBytes());
        ctx.writeAndFlush(message, ctx.voidPromise());
        overOutputLimit(ctx);
    }

    /** Sends the messages held while a reply was on its way. */
    private void sendHeldMessages(ChannelHandlerContext ctx) {
        if (heldMessages != null && !streams.active() && repliesAwaitingAppends == 0) {
            ByteBuf held = heldMessages;
            heldMessages = null;
            writeMessage(ctx, held);
        }
    }

    /** The stream is complete (its writer has ended it): the requests that waited for it run now. */
    void streamComplete() {
        while (!streams.active() && !paused && !backlog.isEmpty() && context.channel().isActive()) {
            handle(context, backlog.poll());
        }
        if (!streams.active() && !paused) {
            flush(context);
            sendHeldMessages(context);
            context.channel().config().setAutoRead(true);
        }
    }

    /** The client has read enough of a stream's output: the next chunk may be produced. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (streams.active() && ctx.channel().isWritable()) {
            streams.nextChunk();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Disconnects a client whose unsent replies pass its {@code client-output-buffer-limit}, as
     * Redis does. Only replies built whole are checked: a stream waits for its reader instead.
     */
    private boolean overOutputLimit(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        if (outbound == null) {
            return false;
        }
        long unsent = outbound.totalPendingWriteBytes() + (heldMessages == null ? 0 : heldMessages.readableBytes());
        if (unsent == 0) {
            softLimit.reset(); // what any limit says of nothing unsent, without looking it up
            return false;
        }
        OutputBufferLimits.Limit limit = server.config().outputBufferLimits().of(session.type());
        if (!limit.breached(unsent, BatchClock.millis(), softLimit)) {
            return false;
        }
        Log.warning("Client " + session.address() + " closed for overcoming of output buffer limits ("
                + unsent + " bytes unsent)");
        backlog.clear();
        ctx.close();
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush(ctx);
        ctx.fireChannelReadComplete();
    }

    private void flush(ChannelHandlerContext ctx) {
        // The keyspace's changes are saved before replies acknowledge them; a change that could
        // not be saved was undone, and its reply is replaced with -MISCONF.
        ByteBuf out = server.keyspaceCommit().beforeSending(session, pending);
        pending = null;
        if (session != null) {
            session.commandClock().batchEnded();
        }
        if (session != null && (session.deferredAppends().any() || appendsPending())) {
            // Not only the replies that acknowledge appends wait for them: so do replies that may
            // have read them (a VCOUNT, a VGET of the new last element), as Redis sends no reply
            // before the write it waits for.
            repliesAwaitingAppends++;
            AppendGroup.await(server, ctx.executor(), session, written -> {
                repliesAwaitingAppends--;
                sendAfterAppends(ctx, out, written);
                if (ctx.channel().isActive()) {
                    sendHeldMessages(ctx);
                }
            });
            return;
        }
        send(ctx, out);
    }

    private boolean appendsPending() {
        if (!server.keyspace().store().mayHavePendingAppends()) {
            return false; // no lock for the common answer: it would make lock-free reads start again
        }
        server.commandLock().lock();
        try {
            return server.keyspace().store().hasPendingAppends();
        } finally {
            server.commandLock().unlock();
        }
    }

    private void sendAfterAppends(ChannelHandlerContext ctx, ByteBuf out, boolean written) {
        if (written && ctx.channel().isActive()) {
            send(ctx, out);
            return;
        }
        if (out != null) {
            out.release();
        }
        if (!written) {
            // Some appends these replies acknowledge could not be written (disk full): close
            // rather than send an acknowledgement of data that is not in the file.
            Log.warning("closing client " + session.address() + ": its appends could not be written");
            ctx.close();
        }
    }

    private void send(ChannelHandlerContext ctx, ByteBuf out) {
        if (out == null) {
            return;
        }
        if (!out.isReadable()) {
            out.release();
            return;
        }
        server.stats().bytesWritten.add(out.readableBytes());
        if (session.closeAfterReply()) {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(out, ctx.voidPromise());
            overOutputLimit(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        streams.end();
        backlog.clear();
        if (heldMessages != null) {
            heldMessages.release();
            heldMessages = null;
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (session != null) {
            server.clients().remove(session);
            server.commandLock().lock();
            try {
                server.watches().unwatchAll(session);
                server.pubsub().dropAll(session);
                server.replication().replicas().disconnected(session);
                session.closeAttachment();
            } finally {
                server.commandLock().unlock();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Log.verbose("closing connection " + (session == null ? "" : session.address()) + ": " + cause);
        ctx.close();
    }
}

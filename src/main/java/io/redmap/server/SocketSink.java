package io.redmap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.redmap.protocol.DirectSink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A plaintext epoll connection's socket as a {@link DirectSink}: one non-blocking {@code writev}
 * of the reply's pending bytes and a slice of a mapping, on the connection's event loop, around
 * Netty (which is only asked whether it holds output of its own: then the bytes wait their turn
 * and are copied as usual). A mapping whose pages are gone (a file truncated behind the server's
 * back) makes the kernel's copy fail with EFAULT instead of a SIGBUS in the JVM: the stream
 * then fails and the connection closes, as when the copy path finds the file shrunk.
 */
final class SocketSink implements DirectSink {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle WRITEV = LINKER.downcallHandle(
            LINKER.defaultLookup().find("writev").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final long IOVEC = 16;

    /** The iovecs (the pending bytes and the slices) and the errno slot, per event loop thread (a sink is only used on its loop). */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> {
        Arena arena = Arena.ofAuto();
        return new MemorySegment[] {arena.allocate((1 + MAX_SLICES) * IOVEC, 8), arena.allocate(CAPTURE)};
    });

    private final Channel channel;
    private final int fd;
    private final LongAdder bytesWritten;

    private SocketSink(Channel channel, int fd, LongAdder bytesWritten) {
        this.channel = channel;
        this.fd = fd;
        this.bytesWritten = bytesWritten;
    }

    /** A sink for {@code channel}, or null when its bytes must go through Netty (TLS, not epoll). */
    static DirectSink of(Channel channel, LongAdder bytesWritten) {
        if (!(channel instanceof EpollSocketChannel epoll) || channel.pipeline().get(SslHandler.class) != null) {
            return null;
        }
        return new SocketSink(channel, epoll.fd().intValue(), bytesWritten);
    }

    @Override
    public long send(ByteBuf pending, MemorySegment source, long[] slices, int slicesCount) {
        if (slicesCount < 1 || slicesCount > MAX_SLICES) {
            throw new IllegalArgumentException("1 to " + MAX_SLICES + " slices, not " + slicesCount);
        }
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        if (outbound == null || !outbound.isEmpty() || outbound.totalPendingWriteBytes() != 0
                || !channel.isActive() || (pending.isReadable() && !pending.hasMemoryAddress())) {
            return 0;
        }
        MemorySegment[] scratch = SCRATCH.get();
        MemorySegment iov = scratch[0];
        int head = pending.readableBytes();
        int count = 0;
        if (head > 0) {
            iov.set(JAVA_LONG, 0, pending.memoryAddress() + pending.readerIndex());
            iov.set(JAVA_LONG, 8, head);
            count++;
        }
        for (int i = 0; i < slicesCount; i++) {
            iov.set(JAVA_LONG, count * IOVEC, source.address() + slices[2 * i]);
            iov.set(JAVA_LONG, count * IOVEC + 8, slices[2 * i + 1]);
            count++;
        }
        long sent = writev(iov, count, scratch[1]);
        if (sent <= 0) {
            return 0;
        }
        bytesWritten.add(sent);
        if (sent < head) {
            pending.skipBytes((int) sent);
            return 0;
        }
        pending.skipBytes(head);
        return sent - head;
    }

    /** Bytes the socket took, 0 when it is full; throws when it refuses them. */
    private long writev(MemorySegment iov, int count, MemorySegment errno) {
        while (true) {
            long sent;
            try {
                sent = (long) WRITEV.invokeExact(errno, fd, iov, count);
            } catch (Throwable e) {
                throw new IllegalStateException("writev failed", e);
            }
            if (sent >= 0) {
                return sent;
            }
            int error = (int) ERRNO.get(errno, 0L);
            if (error == EAGAIN) {
                return 0;
            }
            if (error != EINTR) {
                throw new IllegalStateException("the socket refused the reply's bytes (errno " + error + ")");
            }
        }
    }
}

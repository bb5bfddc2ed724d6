package io.redmap.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The command lock, with a sequence number that lets a reader run without it (a seqlock, as
 * {@link java.util.concurrent.locks.StampedLock}'s optimistic read): the number is odd while a
 * thread holds the lock and moves on each time it is taken and let go. A reader that saw the same
 * even number before and after its work ran while no holder could change anything it read; it
 * writes nothing shared, so readers on several cores do not bounce a cache line between them.
 *
 * <p>Every holder counts as a writer: the lock has dozens of users (commands, housekeeping,
 * replication, group commit) and they need not say whether they change anything. Being a
 * {@link ReentrantLock}, it is taken and let go exactly as before; only the outermost
 * {@code lock}/{@code unlock} of a thread moves the number.
 */
public final class CommandLock extends ReentrantLock {
    private static final VarHandle SEQUENCE;

    static {
        try {
            SEQUENCE = MethodHandles.lookup().findVarHandle(CommandLock.class, "sequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Even while free, odd while held; read with acquire, written only by the holder. */
    @SuppressWarnings("unused") // through SEQUENCE
    private volatile long sequence;

    @Override
    public void lock() {
        super.lock();
        entered();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        super.lockInterruptibly();
        entered();
    }

    @Override
    public boolean tryLock() {
        if (!super.tryLock()) {
            return false;
        }
        entered();
        return true;
    }

    @Override
    public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
        if (!super.tryLock(timeout, unit)) {
            return false;
        }
        entered();
        return true;
    }

    @Override
    public void unlock() {
        if (isHeldByCurrentThread() && getHoldCount() == 1) {
            // Release: every write made under the lock is visible before the number is even again.
            SEQUENCE.setRelease(this, (long) SEQUENCE.getOpaque(this) + 1);
        }
        super.unlock();
    }

    /**
     * A condition's await lets go of the lock without {@link #unlock}, which would leave the
     * number odd (or move it behind a holder's back): not offered.
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("the command lock has no conditions");
    }

    private void entered() {
        if (getHoldCount() == 1) {
            // An atomic add is a full fence: no write the holder makes can be seen before the
            // number turns odd (a plain volatile store would let later writes move above it).
            SEQUENCE.getAndAdd(this, 1L);
        }
    }

    /**
     * The number to validate a read against, or -1 while the lock is held (the reader should
     * take the lock instead of reading what is being changed).
     */
    public long readStamp() {
        long stamp = (long) SEQUENCE.getAcquire(this);
        return (stamp & 1) == 0 ? stamp : -1;
    }

    /**
     * Whether nothing was locked since {@code stamp} was taken: what was read in between is a
     * state that existed, whole.
     */
    public boolean validate(long stamp) {
        // Orders the reader's plain reads before the re-read of the number (StampedLock.validate).
        VarHandle.acquireFence();
        return stamp >= 0 && (long) SEQUENCE.getAcquire(this) == stamp;
    }
}

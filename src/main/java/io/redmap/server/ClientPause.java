package io.redmap.server;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT PAUSE, as Redis 7 has it: until a deadline (or CLIENT UNPAUSE), the commands of normal
 * clients wait, not fail; in WRITE mode only those that write or replicate wait, reads go
 * through. Replication links are never paused. A waiting connection asks to be woken
 * ({@link #whenUnpaused}) and also wakes itself at the deadline.
 */
public final class ClientPause {
    /** Volatile so that {@link #mayHold} is a plain read on every request, without the lock. */
    private volatile long untilMillis;
    private boolean all;
    private List<Runnable> waiting = new ArrayList<>();

    /** Pauses until {@code untilMillis}; a pause under way is only lengthened, and ALL outranks WRITE, as in Redis. */
    public synchronized void pause(long untilMillis, boolean all) {
        if (!active(System.currentTimeMillis())) {
            this.all = all;
            this.untilMillis = untilMillis;
            waiting = new ArrayList<>(); // those of an earlier pause woke at its deadline
            return;
        }
        this.all |= all;
        this.untilMillis = Math.max(this.untilMillis, untilMillis);
    }

    /** CLIENT UNPAUSE: ends the pause and wakes every waiting connection. */
    public void unpause() {
        List<Runnable> woken;
        synchronized (this) {
            untilMillis = 0;
            woken = waiting;
            waiting = new ArrayList<>();
        }
        woken.forEach(Runnable::run);
    }

    /**
     * Whether a pause may be in force: false on every request but those around a CLIENT PAUSE,
     * so that the connections ask nothing more of a request while no pause is set.
     */
    public boolean mayHold() {
        return untilMillis != 0;
    }

    /**
     * How many milliseconds a command must still wait (0: it runs now).
     *
     * @param writes whether it writes or may replicate (the WRITE mode holds only those)
     */
    public synchronized long remainingMillis(ClientType type, boolean writes) {
        long now = System.currentTimeMillis();
        if (untilMillis != 0 && !active(now)) {
            untilMillis = 0; // the deadline passed: requests stop asking (mayHold) until the next pause
            waiting = new ArrayList<>(); // its waiters woke at the deadline
        }
        if (type == ClientType.REPLICA || type == ClientType.MASTER || !active(now) || !(all || writes)) {
            return 0;
        }
        return untilMillis - now;
    }

    /** Runs {@code wake} when CLIENT UNPAUSE ends the pause (the deadline is the waiter's own timer). */
    public synchronized void whenUnpaused(Runnable wake) {
        waiting.add(wake);
    }

    /** Whether a pause is in force; callers hold the lock. */
    private boolean active(long nowMillis) {
        return untilMillis > nowMillis;
    }
}

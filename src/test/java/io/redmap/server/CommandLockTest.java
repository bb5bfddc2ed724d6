package io.redmap.server;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command lock's sequence number: what a lock-free read validates against. */
class CommandLockTest {
    private final CommandLock lock = new CommandLock();

    @Test
    void aStampTakenWhileFreeStaysValidUntilTheLockIsTaken() {
        long stamp = lock.readStamp();
        assertThat(stamp).isNotNegative();
        assertThat(lock.validate(stamp)).isTrue();
        lock.lock();
        assertThat(lock.validate(stamp)).as("held since the stamp").isFalse();
        lock.unlock();
        assertThat(lock.validate(stamp)).as("taken and let go since the stamp").isFalse();
        assertThat(lock.validate(lock.readStamp())).isTrue();
    }

    @Test
    void noStampWhileHeld() throws Exception {
        lock.lock();
        try {
            AtomicLong seen = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> seen.set(lock.readStamp()));
            reader.join();
            assertThat(seen.get()).isEqualTo(-1);
            assertThat(lock.validate(-1)).isFalse();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void onlyTheOutermostHoldMovesTheNumber() throws Exception {
        lock.lock();
        lock.lock();
        assertThat(lock.tryLock()).isTrue();
        assertThat(lock.tryLock(1, TimeUnit.MILLISECONDS)).isTrue();
        lock.lockInterruptibly();
        for (int i = 0; i < 4; i++) {
            lock.unlock();
            assertThat(lock.readStamp()).as("still held").isEqualTo(-1);
        }
        lock.unlock();
        long free = lock.readStamp();
        assertThat(free).isEqualTo(2); // one lock and one unlock, whatever the reentries
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
        assertThat(lock.readStamp()).isEqualTo(4);
    }

    @Test
    void aFailedTryLockOrAForeignUnlockChangesNothing() throws Exception {
        Thread holder = Thread.ofPlatform().start(lock::lock); // holds it for good: the thread ends holding it
        holder.join();
        assertThat(lock.readStamp()).isEqualTo(-1);
        assertThat(lock.tryLock()).isFalse();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void conditionsAreNotOffered() {
        assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
    }
}

package io.redmap.keyspace;

import io.redmap.BatchClock;
import io.redmap.store.MappedArray;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When each key was last used and, under an LFU {@code maxmemory-policy}, how often: what
 * {@code OBJECT IDLETIME} and {@code OBJECT FREQ} report. redmap evicts nothing (arrays live in
 * their files), so these are for the operator only.
 *
 * <p>The frequency is Redis's LFU counter exactly ({@code evict.c}): an 8-bit logarithmic counter
 * that starts at 5, grows on an access with probability {@code 1 / ((counter - 5) * lfu-log-factor + 1)},
 * and loses one for every {@code lfu-decay-time} minutes without access; the minute of the last
 * decrement is kept in 16 bits beside it. Unlike Redis, the last-access time is kept apart from the
 * counter (Redis shares one field), so IDLETIME is right again at once after a switch from an LFU
 * policy back to an LRU one.
 *
 * <p>Times come from {@link BatchClock}, read once per batch of requests: an access costs one or two
 * stores, no clock read.
 */
public final class KeyAccess {
    /** A new key's counter, so that it is not the first to go (Redis's {@code LFU_INIT_VAL}). */
    static final int LFU_INIT_VAL = 5;

    private volatile boolean lfu;
    private volatile int logFactor = 10;
    private volatile int decayMinutes = 1;

    /** maxmemory-policy, lfu-log-factor and lfu-decay-time, whenever they change. */
    public void policy(String maxmemoryPolicy, int logFactor, int decayMinutes) {
        this.logFactor = logFactor;
        this.decayMinutes = decayMinutes;
        this.lfu = maxmemoryPolicy.endsWith("-lfu");
    }

    /** Whether an LFU policy is selected: access frequencies are counted, idle times not reported. */
    public boolean lfu() {
        return lfu;
    }

    /** A command used the key's value (Redis's lookupKey without LOOKUP_NOTOUCH). */
    public void touched(MappedArray array) {
        long now = BatchClock.millis();
        array.accessMillis(now);
        if (lfu) {
            int counter = logIncrement(frequency(array, now));
            array.accessCounter((minutes(now) << 8) | counter);
        }
    }

    /** Seconds since the key was last used (OBJECT IDLETIME). */
    public long idleSeconds(MappedArray array) {
        return Math.max(0, BatchClock.millis() - array.accessMillis()) / 1000;
    }

    /** The LFU counter, decayed for the minutes without access (OBJECT FREQ: Redis's LFUDecrAndReturn). */
    public int frequency(MappedArray array) {
        return frequency(array, BatchClock.millis());
    }

    private int frequency(MappedArray array, long now) {
        int word = array.accessCounter();
        if (word < 0) {
            // Never counted yet: as Redis creates a key, with LFU_INIT_VAL at its last access.
            word = (minutes(array.accessMillis()) << 8) | LFU_INIT_VAL;
        }
        int counter = word & 255;
        int decay = decayMinutes;
        long periods = decay == 0 ? 0 : elapsedMinutes(word >>> 8, minutes(now)) / decay;
        return periods >= counter ? 0 : (int) (counter - periods);
    }

    /** Redis's LFULogIncr: the higher the counter, the less likely an access raises it; 255 at most. */
    private int logIncrement(int counter) {
        if (counter == 255) {
            return 255;
        }
        double base = Math.max(0, counter - LFU_INIT_VAL);
        double probability = 1.0 / (base * logFactor + 1);
        return ThreadLocalRandom.current().nextDouble() < probability ? counter + 1 : counter;
    }

    /** The time in minutes, 16 bits of it (Redis's LFUGetTimeInMinutes). */
    static int minutes(long millis) {
        return (int) ((millis / 60_000) & 65535);
    }

    /** Minutes from {@code then} to {@code now}, both 16-bit, wrapping once (Redis's LFUTimeElapsed). */
    static int elapsedMinutes(int then, int now) {
        return now >= then ? now - then : 65535 - then + now;
    }
}

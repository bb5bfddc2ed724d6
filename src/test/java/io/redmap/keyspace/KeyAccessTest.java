package io.redmap.keyspace;

import io.redmap.BatchClock;
import io.redmap.persistence.Catalogue;
import io.redmap.store.ArraySpec;
import io.redmap.store.ArrayStore;
import io.redmap.store.MappedArray;
import io.redmap.store.PathPolicy;
import io.redmap.store.SyncMode;
import io.redmap.type.ElementType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis's LFU counter and idle time per key (evict.c), driven with access words set in the past
 * instead of waiting minutes; and the keyspace side of SWAPDB and RANDOMKEY.
 */
class KeyAccessTest {
    @TempDir
    Path root;

    private Keyspace keyspace;
    private KeyAccess access;

    @BeforeEach
    void setUp() throws Exception {
        keyspace = open();
        access = keyspace.access();
        BatchClock.tick();
    }

    private Keyspace open() throws Exception {
        Path dir = Files.createDirectories(root.resolve("data"));
        ArrayStore store = new ArrayStore(new PathPolicy(dir, List.of()), 0600, SyncMode.NO);
        return new Keyspace(16, store, new Catalogue(root.resolve("catalogue")));
    }

    @AfterEach
    void tearDown() {
        keyspace.close();
    }

    private MappedArray map(int db, String key) {
        return keyspace.map(db, ByteKey.of(key), new ArraySpec(key + ".f8", ElementType.DOUBLE, 8, 1, true), true);
    }

    /** An LFU word as Redis keeps it: the minute of the last decrement, then the counter. */
    private static int word(int minutesAgo, int counter) {
        int minute = (KeyAccess.minutes(BatchClock.millis()) - minutesAgo) & 65535;
        return (minute << 8) | counter;
    }

    @Test
    void aNewKeyStartsAtLfuInitValAndIsNotIdle() {
        access.policy("allkeys-lfu", 10, 1);
        MappedArray array = map(0, "k");
        assertThat(access.frequency(array)).isEqualTo(KeyAccess.LFU_INIT_VAL);
        assertThat(access.idleSeconds(array)).isZero();
    }

    @Test
    void withLogFactorZeroEveryAccessCountsUpTo255() {
        access.policy("volatile-lfu", 0, 0);
        MappedArray array = map(0, "k");
        for (int i = 0; i < 100; i++) {
            access.touched(array);
        }
        assertThat(access.frequency(array)).isEqualTo(105);
        for (int i = 0; i < 300; i++) {
            access.touched(array);
        }
        assertThat(access.frequency(array)).isEqualTo(255);
    }

    @Test
    void theFirstAccessesOfANewKeyAlwaysCountThenLessAndLess() {
        access.policy("allkeys-lfu", 10, 0);
        MappedArray array = map(0, "k");
        access.touched(array);
        assertThat(access.frequency(array)).as("at LFU_INIT_VAL the chance is 1").isEqualTo(6);
        for (int i = 0; i < 1000; i++) {
            access.touched(array);
        }
        // redis.conf's table for lfu-log-factor 10: about 18 after 1K hits; whatever the draws, far from 1005.
        assertThat(access.frequency(array)).isBetween(7, 40);
    }

    @Test
    void theCounterDecaysByOnePerDecayPeriodWithoutAccess() {
        access.policy("allkeys-lfu", 10, 1);
        MappedArray array = map(0, "k");
        array.accessCounter(word(3, 20));
        assertThat(access.frequency(array)).isEqualTo(17);
        access.policy("allkeys-lfu", 10, 2);
        assertThat(access.frequency(array)).as("3 minutes are one period of 2").isEqualTo(19);
        access.policy("allkeys-lfu", 10, 0);
        assertThat(access.frequency(array)).as("lfu-decay-time 0: no decay").isEqualTo(20);
        access.policy("allkeys-lfu", 10, 1);
        array.accessCounter(word(30, 20));
        assertThat(access.frequency(array)).as("never below 0").isZero();
        // An access decays first, then counts, and restarts the minute.
        access.policy("allkeys-lfu", 0, 1);
        array.accessCounter(word(3, 20));
        access.touched(array);
        assertThat(access.frequency(array)).isEqualTo(18);
    }

    @Test
    void elapsedMinutesWrapAroundSixteenBitsOnce() {
        assertThat(KeyAccess.elapsedMinutes(10, 15)).isEqualTo(5);
        assertThat(KeyAccess.elapsedMinutes(65530, 5)).isEqualTo(10);
    }

    @Test
    void idleTimeIsSecondsSinceTheLastAccessAndAnLruPolicyCountsNothing() {
        access.policy("allkeys-lru", 10, 1);
        MappedArray array = map(0, "k");
        array.accessMillis(BatchClock.millis() - 5_500);
        assertThat(access.idleSeconds(array)).isEqualTo(5);
        access.touched(array);
        assertThat(access.idleSeconds(array)).isZero();
        assertThat(array.accessCounter()).as("no LFU bookkeeping under an LRU policy").isEqualTo(-1);
        assertThat(access.lfu()).isFalse();
    }

    @Test
    void swapTradesTheKeysOfTwoDatabasesAndTheCatalogueKeepsIt() throws Exception {
        map(0, "a");
        map(0, "b");
        map(3, "c");
        keyspace.swap(0, 3);
        assertThat(keyspace.database(0).keys()).extracting(ByteKey::toString).containsExactly("c");
        assertThat(keyspace.database(3).keys()).extracting(ByteKey::toString).containsExactlyInAnyOrder("a", "b");
        keyspace.swap(5, 5);
        keyspace.close();
        keyspace = open();
        keyspace.load(false);
        assertThat(keyspace.database(0).keys()).extracting(ByteKey::toString).containsExactly("c");
        assertThat(keyspace.database(3).keys()).extracting(ByteKey::toString).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void randomKeyPicksEveryKeyAndFollowsChangesOfTheKeySet() {
        Database database = keyspace.database(0);
        Random random = new Random(42);
        assertThat(database.randomKey(random)).isNull();
        map(0, "a");
        map(0, "b");
        map(0, "c");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(database.randomKey(random).toString());
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
        keyspace.delete(0, ByteKey.of("a"));
        keyspace.rename(0, ByteKey.of("b"), ByteKey.of("d"), false);
        seen.clear();
        for (int i = 0; i < 200; i++) {
            seen.add(database.randomKey(random).toString());
        }
        assertThat(seen).containsExactlyInAnyOrder("c", "d");
        keyspace.flush(0);
        assertThat(database.randomKey(random)).isNull();
    }
}

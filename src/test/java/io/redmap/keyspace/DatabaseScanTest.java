package io.redmap.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmap.store.ElementShape;
import io.redmap.store.MappedArray;
import io.redmap.type.ElementType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DatabaseScanTest {

    /**
     * SCAN only looks at keys: every key maps one array of no file (the keys' map is concurrent,
     * which takes no null values).
     */
    private static final MappedArray NO_ARRAY = new MappedArray(null, "none", ElementType.find("int8").codec(1),
            ElementShape.SCALAR, 0, false, null);

    private static Database databaseWith(int keys) {
        Database database = new Database(0);
        for (int i = 0; i < keys; i++) {
            database.put(ByteKey.of("key:" + i), NO_ARRAY);
        }
        return database;
    }

    /** Runs a whole SCAN and returns every key it replied, duplicates included. */
    private static List<ByteKey> scanAll(Database database, int count) {
        List<ByteKey> seen = new ArrayList<>();
        long cursor = 0;
        int calls = 0;
        do {
            Database.ScanPage page = database.scan(cursor, count, key -> true);
            seen.addAll(page.keys());
            cursor = page.nextCursor();
            assertThat(++calls).as("the scan ends").isLessThanOrEqualTo(database.size() + 1);
        } while (cursor != 0);
        return seen;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 1000, Integer.MAX_VALUE})
    void everyKeyIsReturnedExactlyOnce(int count) {
        Database database = databaseWith(1000);
        List<ByteKey> seen = scanAll(database, count);
        assertThat(seen).hasSize(1000).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(new HashSet<>(database.keys()));
    }

    @Test
    void pagesHoldAboutCountKeys() {
        Database database = databaseWith(1000);
        Database.ScanPage first = database.scan(0, 10, key -> true);
        assertThat(first.keys()).hasSizeBetween(10, 11);
        assertThat(first.nextCursor()).isNotZero();
        Database.ScanPage all = database.scan(0, 1000, key -> true);
        assertThat(all.keys()).hasSize(1000);
        assertThat(all.nextCursor()).isZero();
    }

    @Test
    void anEmptyDatabaseScansToZeroAtOnce() {
        Database.ScanPage page = new Database(0).scan(0, 10, key -> true);
        assertThat(page.nextCursor()).isZero();
        assertThat(page.keys()).isEmpty();
    }

    @Test
    void keysSharingAHashComeInOnePage() {
        Database database = new Database(0);
        // Arrays.hashCode uses the same polynomial as String: "Aa" and "BB" collide, and so do their concatenations.
        List<ByteKey> colliding = List.of(ByteKey.of("AaAa"), ByteKey.of("AaBB"), ByteKey.of("BBAa"), ByteKey.of("BBBB"));
        assertThat(colliding).extracting(ByteKey::hashCode).containsOnly(colliding.getFirst().hashCode());
        colliding.forEach(key -> database.put(key, NO_ARRAY));
        database.put(ByteKey.of("other"), NO_ARRAY);
        List<List<ByteKey>> pages = new ArrayList<>();
        long cursor = 0;
        do {
            Database.ScanPage page = database.scan(cursor, 1, key -> true);
            pages.add(page.keys());
            cursor = page.nextCursor();
        } while (cursor != 0);
        assertThat(pages).anySatisfy(page -> assertThat(page).containsExactlyInAnyOrderElementsOf(colliding));
        assertThat(pages.stream().flatMap(List::stream)).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void theFilterHidesKeysButTheCursorStillMoves() {
        Database database = databaseWith(100);
        List<ByteKey> seen = new ArrayList<>();
        long cursor = 0;
        do {
            Database.ScanPage page = database.scan(cursor, 5, key -> key.toString().endsWith("7"));
            seen.addAll(page.keys());
            cursor = page.nextCursor();
        } while (cursor != 0);
        assertThat(seen).hasSize(10).allSatisfy(key -> assertThat(key.toString()).endsWith("7"));
    }

    @Test
    void aCursorBeyondTheLastHashEndsTheScan() {
        Database.ScanPage page = databaseWith(10).scan(1L << 32 | 5, 10, key -> true);
        assertThat(page.nextCursor()).isZero();
        assertThat(page.keys()).isEmpty();
    }

    /**
     * Keys are added and removed between the calls of a SCAN: a key present for the whole scan
     * is returned exactly once, and no key is ever returned twice.
     */
    @Property(tries = 60)
    void keysPresentThroughoutAreReturnedOnceWhateverChanges(@ForAll long seed,
                                                            @ForAll @IntRange(min = 1, max = 64) int count) {
        Random random = new Random(seed);
        Database database = databaseWith(1000);
        Set<ByteKey> stable = new HashSet<>();
        List<ByteKey> removable = new ArrayList<>();
        for (ByteKey key : database.keys()) {
            if (random.nextInt(3) == 0) {
                removable.add(key);
            } else {
                stable.add(key);
            }
        }
        Map<ByteKey, Integer> seen = new HashMap<>();
        int added = 0;
        long cursor = 0;
        int calls = 0;
        do {
            Database.ScanPage page = database.scan(cursor, count, key -> true);
            page.keys().forEach(key -> seen.merge(key, 1, Integer::sum));
            cursor = page.nextCursor();
            for (int i = random.nextInt(5); i > 0 && !removable.isEmpty(); i--) {
                database.remove(removable.remove(random.nextInt(removable.size())));
            }
            for (int i = random.nextInt(5); i > 0; i--) {
                ByteKey fresh = ByteKey.of("new:" + added++);
                database.put(fresh, NO_ARRAY);
                removable.add(fresh);
            }
            assertThat(++calls).as("the scan ends").isLessThan(10_000);
        } while (cursor != 0);

        assertThat(seen.keySet()).containsAll(stable);
        assertThat(seen).allSatisfy((key, times) -> assertThat(times).as("%s", key).isEqualTo(1));
    }
}

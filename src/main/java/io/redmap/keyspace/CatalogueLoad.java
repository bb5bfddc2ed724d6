package io.redmap.keyspace;

import io.redmap.RedmapException;
import io.redmap.persistence.Catalogue;
import io.redmap.persistence.DamagedCatalogueException;
import io.redmap.store.ArraySpec;
import io.redmap.store.ArrayStore;
import io.redmap.store.MappedArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the keys of the catalogue into the databases at start ({@link Keyspace#load}), and reports
 * what it could not: a missing file, a database that no longer exists, a key listed twice.
 */
final class CatalogueLoad {
    private final Database[] databases;
    private final ArrayStore store;
    private final Catalogue catalogue;
    private final UnavailableEntries unavailable;

    CatalogueLoad(Database[] databases, ArrayStore store, Catalogue catalogue, UnavailableEntries unavailable) {
        this.databases = databases;
        this.store = store;
        this.catalogue = catalogue;
        this.unavailable = unavailable;
    }

    /** See {@link Keyspace#load}. */
    Keyspace.LoadReport run(boolean loadDamaged) throws IOException {
        Catalogue.Loaded loaded = catalogue.load();
        Path copy = null;
        if (!loaded.damaged().isEmpty()) {
            if (!loadDamaged) {
                throw new DamagedCatalogueException(catalogue.file(), loaded.damaged(), loaded.entries().size());
            }
            copy = catalogue.keepCopy();
        }
        List<String> problems = new ArrayList<>(loaded.damaged());
        List<Catalogue.Entry> entries = loaded.entries();
        // A start opens no file that a stat finds in place (store.openLater): the key's file is
        // opened on first use, or by the pass after the start (server.DeferredOpens). The few
        // entries the stat refuses are opened now, on all cores, so that what is wrong with them
        // is reported here and the key left out, as when every file was opened at load.
        MappedArray[] later = new MappedArray[entries.size()];
        List<ArraySpec> now = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Catalogue.Entry entry = entries.get(i);
            if (entry.db() >= 0 && entry.db() < databases.length) {
                later[i] = store.openLater(entry.spec());
            }
            if (later[i] == null) {
                now.add(entry.spec());
            }
        }
        int count;
        store.preopen(now);
        try {
            count = openEntries(entries, later, problems);
        } finally {
            store.discardPreopened();
        }
        return new Keyspace.LoadReport(count, problems, copy);
    }

    private int openEntries(List<Catalogue.Entry> entries, MappedArray[] later, List<String> problems) {
        int count = 0;
        for (int i = 0; i < entries.size(); i++) {
            Catalogue.Entry entry = entries.get(i);
            ByteKey key = ByteKey.wrap(entry.key());
            if (entry.db() < 0 || entry.db() >= databases.length) {
                unavailable.add(entry);
                problems.add("key '" + key + "': database " + entry.db() + " does not exist");
                continue;
            }
            if (databases[entry.db()].get(key) != null) {
                problems.add("key '" + key + "' is listed twice in database " + entry.db() + "; the first entry is kept");
                if (later[i] != null) {
                    store.close(later[i]);
                }
                continue;
            }
            try {
                databases[entry.db()].put(key, later[i] != null ? later[i] : store.open(entry.spec(), false));
                count++;
            } catch (RedmapException e) {
                unavailable.add(entry);
                problems.add("key '" + key + "' (" + entry.spec().path() + "): " + e.getMessage());
            }
        }
        return count;
    }
}

package io.redmap.acl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * ACL LOG: the recent refusals, newest first, as Redis keeps them. A refusal like one of the ten
 * newest entries (same reason, context, object and user, within a minute) bumps that entry's
 * count instead of adding one. At most {@code acllog-max-len} entries are kept.
 */
public final class AclLog {
    private static final long GROUPING_MILLIS = 60_000;
    private static final int SCANNED_FOR_GROUPING = 10;

    /** One entry; mutable under the log's lock only. */
    public static final class Entry {
        private long count = 1;
        private final Denial.Reason reason;
        private final String context;
        private final String object;
        private final String username;
        private long updatedMillis;
        private String clientInfo;
        private final long entryId;
        private final long createdMillis;

        private Entry(Denial.Reason reason, String context, String object, String username, long now,
                      String clientInfo, long entryId) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.updatedMillis = now;
            this.clientInfo = clientInfo;
            this.entryId = entryId;
            this.createdMillis = now;
        }

        public long count() { return count; }
        public String reason() { return reason.wireName(); }
        public String context() { return context; }
        public String object() { return object; }
        public String username() { return username; }
        public long updatedMillis() { return updatedMillis; }
        public String clientInfo() { return clientInfo; }
        public long entryId() { return entryId; }
        public long createdMillis() { return createdMillis; }

        private boolean sameAs(Denial.Reason reason, String context, String object, String username, long now) {
            return this.reason == reason && this.context.equals(context) && Math.abs(now - updatedMillis) <= GROUPING_MILLIS
                    && this.object.equals(object) && this.username.equals(username);
        }
    }

    private final LinkedList<Entry> entries = new LinkedList<>();
    private long nextId;
    private volatile int maxLength = 128;

    public synchronized void maxLength(int maxLength) {
        this.maxLength = maxLength;
        trim();
    }

    /**
     * Records a refusal.
     *
     * @param context {@code toplevel} or {@code multi}
     * @param object the command's full name, the key, the channel, or for auth the command word
     */
    public synchronized void add(Denial.Reason reason, String context, String object, String username,
                                 String clientInfo) {
        if (maxLength == 0) {
            trim();
            return;
        }
        long now = System.currentTimeMillis();
        Iterator<Entry> it = entries.iterator();
        for (int scanned = 0; scanned < SCANNED_FOR_GROUPING && it.hasNext(); scanned++) {
            Entry entry = it.next();
            if (entry.sameAs(reason, context, object, username, now)) {
                it.remove();
                entry.count++;
                entry.updatedMillis = now;
                entry.clientInfo = clientInfo;
                entries.addFirst(entry);
                return;
            }
        }
        entries.addFirst(new Entry(reason, context, object, username, now, clientInfo, nextId++));
        trim();
    }

    private void trim() {
        while (entries.size() > maxLength) {
            entries.removeLast();
        }
    }

    /** The newest {@code count} entries, newest first. */
    public synchronized List<Entry> newest(long count) {
        List<Entry> list = new ArrayList<>();
        for (Entry entry : entries) {
            if (list.size() >= count) {
                break;
            }
            list.add(entry);
        }
        return list;
    }

    public synchronized void reset() {
        entries.clear();
    }
}

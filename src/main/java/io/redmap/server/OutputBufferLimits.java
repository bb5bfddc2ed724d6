package io.redmap.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Redis's {@code client-output-buffer-limit}: for each class of client (normal, replica, pubsub), a
 * hard limit on its unsent output that closes it at once, and a soft limit that closes it when
 * passed for longer than a number of seconds; 0 turns a limit off.
 *
 * <p>Only output that is not streamed counts against it: a streamed reply (VALL, VREAD...) is
 * produced a chunk at a time, and only while the client reads, so it never holds more than about
 * a chunk of the server's memory whatever its size.
 *
 * <p>The option's value is kept in Redis's form, bytes and the class {@code slave}:
 * {@code normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60}. CONFIG SET of some
 * classes changes only those, as in Redis.
 */
public record OutputBufferLimits(Limit normal, Limit replica, Limit pubsub) {
    public static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    /** One class's limits, in bytes and seconds. */
    public record Limit(long hard, long soft, long softSeconds) {
        public static final Limit NONE = new Limit(0, 0, 0);

        /**
         * Whether a client with {@code used} bytes unsent must be closed, as Redis's
         * checkClientOutputBufferLimits decides; {@code softSince} keeps, per client, when it first
         * went over the soft limit (0 while under it).
         */
        public boolean breached(long used, long nowMillis, SoftLimitClock softSince) {
            if (hard > 0 && used >= hard) {
                return true;
            }
            if (soft <= 0 || used < soft) {
                softSince.reset();
                return false;
            }
            long since = softSince.startIfUnset(nowMillis);
            return nowMillis - since > softSeconds * 1000;
        }
    }

    /** When a client went over its soft limit: one per connection. */
    public static final class SoftLimitClock {
        private long since;

        void reset() {
            since = 0;
        }

        long startIfUnset(long nowMillis) {
            if (since == 0) {
                since = nowMillis;
            }
            return since;
        }
    }

    /** The limits of a client's class; the link to our own master has none, as in Redis. */
    public Limit of(ClientType type) {
        return switch (type) {
            case NORMAL -> normal;
            case REPLICA -> replica;
            case PUBSUB -> pubsub;
            case MASTER -> Limit.NONE;
        };
    }

    public static OutputBufferLimits parse(String value) {
        Map<String, Limit> limits = classes(value);
        return new OutputBufferLimits(limits.getOrDefault("normal", Limit.NONE),
                limits.getOrDefault("slave", Limit.NONE), limits.getOrDefault("pubsub", Limit.NONE));
    }

    /**
     * CONFIG SET's check: the classes given, in Redis's form.
     *
     * @throws IllegalArgumentException with Redis's reason
     */
    static String normalize(String value) {
        return format(classes(value));
    }

    /** The classes of {@code update} replace those of {@code current}; the others stay. */
    static String merge(String current, String update) {
        Map<String, Limit> merged = classes(current);
        merged.putAll(classes(update));
        return format(merged);
    }

    private static Map<String, Limit> classes(String value) {
        String trimmed = value.trim();
        String[] words = trimmed.isEmpty() ? new String[0] : trimmed.toLowerCase(Locale.ROOT).split("\\s+");
        if (words.length % 4 != 0) {
            throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
        }
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (int i = 0; i < words.length; i += 4) {
            String name = switch (words[i]) {
                case "normal", "pubsub" -> words[i];
                case "replica", "slave" -> "slave";
                default -> throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
            };
            try {
                long hard = ConfigOption.parseMemory(words[i + 1]);
                long soft = ConfigOption.parseMemory(words[i + 2]);
                long seconds = Long.parseLong(words[i + 3]);
                if (hard < 0 || soft < 0 || seconds < 0) {
                    throw new NumberFormatException();
                }
                limits.put(name, new Limit(hard, soft, seconds));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
        }
        return limits;
    }

    private static String format(Map<String, Limit> limits) {
        StringBuilder text = new StringBuilder();
        for (String name : new String[] {"normal", "slave", "pubsub"}) {
            Limit limit = limits.get(name);
            if (limit != null) {
                text.append(text.isEmpty() ? "" : " ").append(name).append(' ').append(limit.hard()).append(' ')
                        .append(limit.soft()).append(' ').append(limit.softSeconds());
            }
        }
        return text.toString();
    }
}

package io.redmap.server;

import java.math.BigInteger;
import java.util.Locale;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * One configuration directive: its name (as in redis.conf), default, whether CONFIG SET may
 * change it at run time, and the check that turns a given value into its normal form.
 *
 * @param normalizer returns the value to store, or throws {@link IllegalArgumentException}
 *     with the reason it is refused
 * @param merger combines the current value with a new one in normal form (most options: the new
 *     one replaces it; {@code client-output-buffer-limit} changes only the classes given)
 */
public record ConfigOption(String name, String defaultValue, boolean mutable, UnaryOperator<String> normalizer,
                           BinaryOperator<String> merger) {

    public ConfigOption(String name, String defaultValue, boolean mutable, UnaryOperator<String> normalizer) {
        this(name, defaultValue, mutable, normalizer, (current, update) -> update);
    }

    static ConfigOption string(String name, String defaultValue, boolean mutable) {
        return new ConfigOption(name, defaultValue, mutable, UnaryOperator.identity());
    }

    private static final BinaryOperator<String> APPEND_LINE =
            (current, line) -> current.isEmpty() ? line : current + "\n" + line;

    /** An option given on several lines, each adding one value; kept one per line. */
    static ConfigOption lines(String name) {
        return new ConfigOption(name, "", false, String::strip, APPEND_LINE);
    }

    /** Whether the option is a list of lines ({@link #lines}). */
    public boolean isList() {
        return merger == APPEND_LINE;
    }

    static ConfigOption bool(String name, boolean defaultValue, boolean mutable) {
        return new ConfigOption(name, defaultValue ? "yes" : "no", mutable, value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> "yes";
            case "no", "false", "0" -> "no";
            default -> throw new IllegalArgumentException("argument must be 'yes' or 'no'");
        });
    }

    static ConfigOption integer(String name, long defaultValue, long min, long max, boolean mutable) {
        return new ConfigOption(name, Long.toString(defaultValue), mutable, value -> {
            long parsed = parseMemory(value);
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            }
            return Long.toString(parsed);
        });
    }

    /** An integer without memory units, as Redis's INTEGER_CONFIG options ({@code slowlog-max-len 1kb} is refused). */
    static ConfigOption plainInteger(String name, long defaultValue, long min, long max, boolean mutable) {
        ConfigOption withUnits = integer(name, defaultValue, min, max, mutable);
        return new ConfigOption(name, withUnits.defaultValue(), mutable, value -> {
            if (!value.strip().matches("[+-]?\\d+")) {
                throw new IllegalArgumentException("argument couldn't be parsed into an integer");
            }
            return withUnits.normalizer().apply(value);
        });
    }

    /** A mutable integer accepted in [min, max] and kept within [low, high] (Redis's hz). */
    static ConfigOption clamped(String name, long defaultValue, long min, long max, long low, long high) {
        ConfigOption accepted = integer(name, defaultValue, min, max, true);
        return new ConfigOption(name, Long.toString(defaultValue), true,
                value -> Long.toString(Math.clamp(Long.parseLong(accepted.normalizer().apply(value)), low, high)));
    }

    /**
     * A byte count as Redis's memory options take it ({@code maxmemory}): digits with an optional
     * unit (b, k, kb, m, mb, g, gb, in any case), up to 2^64-1, kept as plain digits so that
     * CONFIG GET answers bytes.
     */
    static ConfigOption memory(String name, long defaultValue, boolean mutable) {
        return new ConfigOption(name, Long.toString(defaultValue), mutable, value -> {
            try {
                return parseUnsignedMemory(value).toString();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("argument must be a memory value");
            }
        });
    }

    private static final BigInteger MAX_UNSIGNED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static BigInteger parseUnsignedMemory(String value) {
        String text = value.toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
                {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] unit : units) {
            if (text.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                text = text.substring(0, text.length() - unit[0].length());
                break;
            }
        }
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(value); // Redis refuses signs, spaces and fractions too
        }
        BigInteger bytes = new BigInteger(text).multiply(BigInteger.valueOf(multiplier));
        if (bytes.compareTo(MAX_UNSIGNED) > 0) {
            throw new ArithmeticException("more than 2^64-1 bytes");
        }
        return bytes;
    }

    static ConfigOption choice(String name, String defaultValue, boolean mutable, String... choices) {
        return new ConfigOption(name, defaultValue, mutable, value -> {
            for (String choice : choices) {
                if (choice.equalsIgnoreCase(value)) {
                    return choice;
                }
            }
            throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", choices));
        });
    }

    /** {@code replicaof}: "host port", or empty for a master (see {@link #hostAndPort(String)}). */
    static ConfigOption hostAndPort(String name, String defaultValue, boolean mutable) {
        return new ConfigOption(name, defaultValue, mutable, ConfigOption::hostAndPort);
    }

    /** A file mode in octal, kept as four digits ({@code 0600}). */
    static ConfigOption octalMode(String name, String defaultValue, boolean mutable) {
        return new ConfigOption(name, defaultValue, mutable, ConfigOption::octalMode);
    }

    /** {@code replicaof host port} (or {@code no one}, or nothing): kept as "host port" or empty. */
    private static String hostAndPort(String value) {
        String[] words = value.trim().split("\\s+");
        if (value.isBlank() || words.length == 2 && words[0].equalsIgnoreCase("no") && words[1].equalsIgnoreCase("one")) {
            return "";
        }
        if (words.length != 2) {
            throw new IllegalArgumentException("replicaof needs a host and a port");
        }
        try {
            int port = Integer.parseInt(words[1]);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid master port");
        }
        return words[0] + " " + words[1];
    }

    private static String octalMode(String value) {
        try {
            int mode = Integer.parseInt(value, 8);
            if (mode < 0 || mode > 0777) {
                throw new IllegalArgumentException("argument must be an octal file mode such as 0600");
            }
            return String.format("%04o", mode);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument must be an octal file mode such as 0600");
        }
    }

    /** Numbers with Redis's memory units: 1k = 1000, 1kb = 1024, up to g/gb. */
    static long parseMemory(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
                {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] unit : units) {
            if (text.endsWith(unit[0]) && text.length() > unit[0].length()) {
                multiplier = Long.parseLong(unit[1]);
                text = text.substring(0, text.length() - unit[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(text), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("argument couldn't be parsed into an integer");
        }
    }
}

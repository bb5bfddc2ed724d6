package io.redmap.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A scripted session over one raw connection: each line is one command, words separated by
 * single spaces; the result is each whole reply as sent. The same script run against redmap and
 * against {@link RealRedis} must give the same list.
 */
public final class Exchanges {
    /** Fields of CLIENT INFO / LIST that differ between any two connections or servers. */
    private static final Pattern VOLATILE_FIELDS = Pattern.compile(
            "\\b(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=[^ \\n]*");
    private static final Pattern BULK_LENGTH = Pattern.compile("(?m)^([$=])\\d+(?=\\r\\n)");

    private Exchanges() {
    }

    public static List<String> run(int port, String... lines) {
        try (RawClient client = new RawClient(port)) {
            return run(client, lines);
        }
    }

    public static List<String> run(RawClient client, String... lines) {
        List<String> replies = new ArrayList<>();
        for (String line : lines) {
            replies.add(client.call(line.split(" ")));
        }
        return replies;
    }

    /**
     * The replies with CLIENT INFO's per-connection numbers (ids, addresses, ages, buffer sizes)
     * and the bulk lengths they change replaced by {@code _}, for comparing two servers.
     */
    public static List<String> normalized(List<String> replies) {
        return replies.stream()
                .map(reply -> BULK_LENGTH.matcher(VOLATILE_FIELDS.matcher(reply).replaceAll("$1=_")).replaceAll("$1_"))
                .toList();
    }
}

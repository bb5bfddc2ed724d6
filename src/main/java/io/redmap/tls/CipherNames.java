package io.redmap.tls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cipher suites of {@code tls-ciphers} (TLS 1.2 and older, OpenSSL's names, e.g.
 * {@code ECDHE-RSA-AES256-GCM-SHA384:!aNULL}) and {@code tls-ciphersuites} (TLS 1.3,
 * {@code TLS_AES_256_GCM_SHA384:...}), turned into the JDK's names. IANA names
 * ({@code TLS_ECDHE_RSA_WITH_...}) are accepted too. OpenSSL's selection words ({@code DEFAULT},
 * {@code HIGH}, {@code ALL}) stand for the JDK's default suites, which exclude weak ones already;
 * {@code !name} and {@code -name} remove a suite. As with OpenSSL, unknown names are skipped and
 * an empty result is an error; OpenSSL's other selectors ({@code EECDH+AESGCM}, {@code !aNULL})
 * are not understood and skipped as unknown names.
 */
final class CipherNames {
    private static final Pattern IANA = Pattern.compile("TLS_(\\w+?)_WITH_(AES_(128|256)_(GCM|CBC|CCM)_(SHA|SHA256|SHA384)|CHACHA20_POLY1305_SHA256)");

    /** OpenSSL's words for its default or strong selections: here the JDK's defaults. */
    private static final Set<String> DEFAULTS = Set.of("DEFAULT", "ALL", "HIGH", "COMPLEMENTOFDEFAULT");

    private final List<String> supported;
    private final List<String> defaults;
    private final Map<String, String> fromOpenSsl = new HashMap<>();

    /** @param supported the engine's supported suites; @param defaults its enabled ones, in preference order */
    CipherNames(String[] supported, String[] defaults) {
        this.supported = List.of(supported);
        this.defaults = List.of(defaults);
        for (String name : supported) {
            String openSsl = openSslName(name);
            if (openSsl != null) {
                fromOpenSsl.put(openSsl, name);
            }
        }
    }

    /** The suites to enable: the TLS 1.3 ones first, then the older protocols' ones. */
    String[] enabled(String ciphersuites, String ciphers) throws IOException {
        List<String> modern = ciphersuites.isBlank() ? defaults.stream().filter(CipherNames::isTls13).toList()
                : select(ciphersuites, true);
        if (modern.isEmpty()) {
            throw new IOException("Failed to configure ciphersuites: " + ciphersuites);
        }
        List<String> legacy = ciphers.isBlank() ? defaults.stream().filter(name -> !isTls13(name)).toList()
                : select(ciphers, false);
        if (legacy.isEmpty()) {
            throw new IOException("Failed to configure ciphers: " + ciphers);
        }
        List<String> all = new ArrayList<>(modern);
        all.addAll(legacy);
        return all.toArray(String[]::new);
    }

    private List<String> select(String list, boolean tls13) {
        Set<String> chosen = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        for (String token : list.trim().split("[:, ]+")) {
            if (token.isEmpty() || token.startsWith("@")) {
                continue; // @STRENGTH, @SECLEVEL=n: OpenSSL's ordering and levels
            }
            boolean remove = token.startsWith("!") || token.startsWith("-");
            String name = token.replaceFirst("^[!+\\-]", "");
            String java = javaName(name);
            if (java != null && isTls13(java) == tls13) {
                (remove ? removed : chosen).add(java);
            } else if (!remove && !tls13 && DEFAULTS.contains(name.toUpperCase(Locale.ROOT))) {
                // DEFAULT, HIGH, ALL...: the JDK's defaults, which leave out the weak suites already
                defaults.stream().filter(suite -> !isTls13(suite)).forEach(chosen::add);
            }
        }
        chosen.removeAll(removed);
        return List.copyOf(chosen);
    }

    private String javaName(String name) {
        if (supported.contains(name)) {
            return name;
        }
        return fromOpenSsl.get(name);
    }

    private static boolean isTls13(String javaName) {
        return !javaName.contains("_WITH_") && javaName.startsWith("TLS_");
    }

    /** OpenSSL's name of a JDK suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is ECDHE-RSA-AES128-GCM-SHA256. */
    static String openSslName(String javaName) {
        Matcher m = IANA.matcher(javaName);
        if (!m.matches()) {
            return null;
        }
        String exchange = m.group(1).equals("RSA") ? "" : m.group(1).replace('_', '-') + "-";
        if (m.group(3) == null) {
            return exchange + "CHACHA20-POLY1305";
        }
        String cipher = "AES" + m.group(3) + switch (m.group(4)) {
            case "GCM" -> "-GCM";
            case "CCM" -> "-CCM";
            default -> "";
        };
        String mac = m.group(4).equals("CBC") || m.group(4).equals("GCM") ? "-" + m.group(5) : "";
        return exchange + cipher + mac;
    }
}

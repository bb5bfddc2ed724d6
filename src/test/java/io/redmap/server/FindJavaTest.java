package io.redmap.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/find-java, which every launcher runs first: it takes JAVA_HOME when its release file says 25
 * or newer (read by bash, in any position of the file), asks the JDK when there is no release
 * file, and otherwise looks under /usr/lib/jvm, as the build machine has a JDK 25 there.
 */
class FindJavaTest {
    @TempDir
    Path jdks;

    @Test
    void takesJavaHomeWhenItsReleaseFileSaysTwentyFiveOrNewer() throws Exception {
        Path jdk25 = fakeJdk("jdk25", "IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"25.0.3\"\nOS_NAME=\"Linux\"\n");
        Path jdk26 = fakeJdk("jdk26", "JAVA_VERSION=\"26\"");  // no newline at the end
        assertThat(findJava(jdk25)).isEqualTo(jdk25.toString());
        assertThat(findJava(jdk26)).isEqualTo(jdk26.toString());
    }

    @Test
    void looksElsewhereWhenJavaHomeIsOlderOrNotAJdk() throws Exception {
        String fallback = findJava(jdks.resolve("missing"));
        assertThat(fallback).startsWith("/usr/lib/jvm/");
        Path jdk17 = fakeJdk("jdk17", "JAVA_VERSION=\"17.0.2\"\n");
        assertThat(findJava(jdk17)).isEqualTo(fallback);
        Path noVersion = fakeJdk("odd", "IMPLEMENTOR=\"Someone\"\n");
        assertThat(findJava(noVersion)).isEqualTo(fallback);
    }

    @Test
    void asksAJdkWithoutAReleaseFile() throws Exception {
        Path asked = fakeJdk("asked", null);
        Files.writeString(asked.resolve("bin/java"),
                "#!/bin/sh\necho '    java.specification.version = 27' >&2\n");
        assertThat(findJava(asked)).isEqualTo(asked.toString());
    }

    /** A directory with an executable bin/java (that must not be run when a release file exists). */
    private Path fakeJdk(String name, String release) throws IOException {
        Path home = Files.createDirectories(jdks.resolve(name).resolve("bin")).getParent();
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\necho run >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (release != null) {
            Files.writeString(home.resolve("release"), release);
        }
        return home;
    }

    private static String findJava(Path javaHome) throws Exception {
        Path script = Path.of(System.getProperty("user.dir"), "bin", "find-java");
        ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}

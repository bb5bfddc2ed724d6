package io.redmap.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * numpy as the reference: runs a Python script under {@code /usr/bin/python3} (Debian's
 * python3-numpy, which .ci/run installs). Tests that compare with numpy call {@link #assume()}
 * first, so that they skip, with the reason, where numpy is missing.
 */
public final class Numpy {
    public static final String PYTHON = "/usr/bin/python3";
    private static Boolean available;

    private Numpy() {
    }

    /** Skips the calling test unless {@code /usr/bin/python3} can import numpy. */
    public static synchronized void assume() {
        if (available == null) {
            try {
                Process process = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                available = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        assumeTrue(available, PYTHON + " cannot import numpy (apt-get install python3-numpy)");
    }

    /** argv: path, version (0: numpy.save's choice), a Python expression for the array. */
    private static final String SAVE = """
            import sys
            import numpy as np
            path, version, expression = sys.argv[1:]
            a = eval(expression)
            with open(path, 'wb') as f:
                if version == '0':
                    np.save(f, a, allow_pickle=True)
                else:
                    np.lib.format.write_array(f, a, version=(int(version), 0), allow_pickle=True)
            """;
    /** argv: path. Prints the shape, the dtype and the values, as numpy reads them from the file. */
    private static final String LOAD = """
            import sys
            import numpy as np
            a = np.load(sys.argv[1], mmap_mode='r')
            print(a.shape)
            print(a.dtype.str)
            print(' '.join(repr(x) for x in a.ravel().tolist()))
            """;

    /**
     * Writes the array of the Python {@code expression} to {@code path} as a .npy file, in format
     * {@code version} (0: numpy.save's choice).
     */
    public static void save(Path path, int version, String expression) {
        run(SAVE, List.of(path.toString(), Integer.toString(version), expression));
    }

    /** What numpy reads from {@code path}: its shape, its dtype, and its values in C order, a line each. */
    public static List<String> load(Path path) {
        return run(LOAD, List.of(path.toString()));
    }

    /** Runs {@code script} with {@code args}; fails the test unless it exits 0 within a minute. Its output lines. */
    public static List<String> run(String script, List<String> args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
            assertThat(process.exitValue()).as("python output: %s", output).isZero();
            return output.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

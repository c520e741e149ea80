package dev.amber.testkit.process;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout the tests run in, where the set-up scripts live. */
public final class Checkout {
    private Checkout() {}

    /**
     * {@code -Damber.repository}, else the first directory upwards from the working directory that has
     * {@code script} (e.g. "scripts/cluster") as an executable.
     */
    public static Path root(String script) {
        String configured = System.getProperty("amber.repository");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve(script))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no " + script + " above " + Path.of("").toAbsolutePath() + "; set -Damber.repository=<checkout>");
    }
}

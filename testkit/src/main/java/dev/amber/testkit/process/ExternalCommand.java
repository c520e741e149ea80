package dev.amber.testkit.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program the fixtures drive (podman, crictl, scripts/cluster) to completion. Output goes to
 * temporary files, not pipes, so a chatty program can never block on a full pipe while the caller
 * waits; stdin is /dev/null, so nothing waits for input.
 */
public final class ExternalCommand {
    /** What the program did; {@code stdout} whole, {@code stderr} whole (see {@link #tail}). */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** The program did not finish in time and was killed. */
    public static final class TimedOut extends Exception {
        TimedOut(String message) {
            super(message);
        }
    }

    private ExternalCommand() {}

    /**
     * @param directory working directory, or null for the caller's
     * @param environment entries added to (or replacing those of) the caller's environment
     */
    public static Result run(List<String> command, Path directory, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException, TimedOut {
        Path out = Files.createTempFile("amber-cmd-out-", ".txt");
        Path err = null;
        try {
            err = Files.createTempFile("amber-cmd-err-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new TimedOut(String.join(" ", command) + " timed out after " + timeout);
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The last {@code lines} lines of {@code text}, joined by {@code separator}, for one-line failures. */
    public static String tail(String text, int lines, String separator) {
        List<String> all = text.strip().lines().toList();
        return String.join(separator, all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}

package dev.amber.cli.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The demo's one way to Podman: runs the {@code podman} command line and returns its stdout. */
final class PodmanRunner {

    private final Duration timeout;

    PodmanRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /** True when a {@code podman} executable is on the PATH. */
    static boolean installed() {
        return onPath("podman");
    }

    /** True when a {@code criu} executable is on the PATH or where scripts/setup-runtime puts it. */
    static boolean criuInstalled() {
        return onPath("criu");
    }

    /** Runs {@code podman args...}; a failure becomes a one-line message with podman's own reason. */
    String run(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("amber-podman-", ".out");
            err = Files.createTempFile("amber-podman-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // runc looks CRIU up on the PATH; scripts/setup-runtime installs it in /usr/local/sbin.
            builder.environment().merge("PATH", "/usr/local/sbin:/usr/sbin:/sbin", (path, extra) -> extra + ":" + path);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new DemoException("podman " + args[0] + " did not finish within " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new DemoException(
                        "podman " + String.join(" ", args) + " failed: " + lastLine(Files.readString(err)));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DemoException("cannot run podman: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted while running podman " + args[0]);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "no message" : lines.getLast().strip();
    }

    private static boolean onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String directory : path.split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, executable))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}

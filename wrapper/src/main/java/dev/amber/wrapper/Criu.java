package dev.amber.wrapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;

/** Runs the {@code criu} binary and turns its failures into one-line errors quoting its log. */
final class Criu {
    /** CRIU's last line of a restore that worked (criu/cr-restore.c). */
    static final String RESTORE_FINISHED = "Restore finished successfully. Tasks resumed.";

    /** Where CRIU lands when built from source or installed by a distribution. */
    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    /**
     * Errors CRIU logs and then carries on from: it cannot raise its own fd limit without
     * CAP_SYS_RESOURCE, and its start-up probe of the kernel's features tries to create a tun
     * device, which a container without /dev/net/tun refuses.
     */
    private static final List<String> HARMLESS_ERRORS = List.of("rlimit: Can't setup", "tun: Unable to create tun");

    private final Path binary;

    Criu(Path binary) {
        this.binary = binary;
    }

    /** {@code AMBER_CRIU} if set, otherwise {@code criu} on PATH or in the sbin directories. */
    static Criu locate() {
        String override = System.getenv("AMBER_CRIU");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isExecutable(p)) {
                throw new WrapperException("AMBER_CRIU=" + override + " is not an executable file");
            }
            return new Criu(p);
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SBIN);
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "criu");
            if (Files.isExecutable(candidate)) {
                return new Criu(candidate);
            }
        }
        throw new WrapperException("criu not found on PATH or in " + String.join(", ", SBIN)
                + ": install CRIU >= 4.2 in the image or set AMBER_CRIU");
    }

    Path binary() {
        return binary;
    }

    /** Dumps; returns how long criu ran, in milliseconds. */
    long dump(List<String> args, Path imagesDir) {
        return run(args, imagesDir.resolve(CriuArguments.DUMP_LOG), "dump");
    }

    /**
     * The restored root's pid and how long the wrapper waited for criu, in milliseconds.
     *
     * @param exitStatusLost criu's exit status was taken by another process, and CRIU's log and pid
     *     file told instead that the restore worked
     */
    record Restored(long pid, long millis, boolean exitStatusLost) {}

    Restored restore(List<String> args, Path imagesDir, Path pidFile) {
        long millis;
        try {
            millis = run(args, imagesDir.resolve(CriuArguments.RESTORE_LOG), "restore");
        } catch (CriuFailure e) {
            deletePidFile(pidFile);
            throw e;
        }
        return restored(pidFile, millis, false);
    }

    /**
     * Waits for a {@code criu restore} this JVM did not start but inherited: the launcher's early
     * restore (see {@link EarlyRestore}).
     */
    Restored awaitRestore(AdoptedChild criu, Path imagesDir, Path pidFile) {
        long start = System.nanoTime();
        OptionalInt exit;
        try {
            exit = criu.exitStatus().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WrapperException("interrupted while criu restore ran");
        } catch (ExecutionException e) {
            throw new WrapperException("cannot wait for criu restore (pid " + criu.pid() + "): " + e.getCause(), e);
        }
        Path log = imagesDir.resolve(CriuArguments.RESTORE_LOG);
        if (exit.isEmpty()) {
            return restoredWithoutExitStatus(criu, log, pidFile, (System.nanoTime() - start) / 1_000_000);
        }
        if (exit.getAsInt() != 0) {
            deletePidFile(pidFile);
        }
        checkExit(exit.getAsInt(), log, "restore");
        return restored(pidFile, (System.nanoTime() - start) / 1_000_000, false);
    }

    /**
     * criu's exit status was taken by another process: bash as the launcher's /bin/sh reaps a
     * finished background job from its SIGCHLD handler, before it execs the JVM. The restore worked
     * only if CRIU logged that it resumed the tasks, the last step of a restore (the log is
     * truncated at each run, so the line is this run's), and the pid file names a running child.
     * The pid file alone is not enough: CRIU writes it before the tasks are resumed, and a criu
     * killed after that leaves the tree parked in its restorer. Anything else counts as failed.
     */
    private static Restored restoredWithoutExitStatus(AdoptedChild criu, Path log, Path pidFile, long millis) {
        Optional<Long> root = readPid(pidFile).filter(pid -> new AdoptedChild(pid).isRunningChild());
        if (root.isEmpty() || !logSays(log, RESTORE_FINISHED)) {
            deletePidFile(pidFile);
            throw new CriuFailure("criu restore (pid " + criu.pid() + ") ended, reaped by another process before the "
                    + "wrapper could read its exit status, "
                    + (root.isEmpty()
                            ? "and left no running restored process: "
                            : "and never logged that it resumed the tasks: ")
                    + firstError(log).orElse("no error line in the log") + " (see " + log + ")");
        }
        return restored(pidFile, millis, true);
    }

    private static boolean logSays(Path log, String line) {
        try (var lines = Files.lines(log)) {
            return lines.anyMatch(l -> l.endsWith(line));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Best effort: criu refuses to write a pid file that exists, so a failed restore's must not stay. */
    private static void deletePidFile(Path pidFile) {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // the next restore deletes it first, or says why it cannot
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Reads and removes the pid file: criu refuses to write one that exists, at the next restore. */
    private static Restored restored(Path pidFile, long millis, boolean exitStatusLost) {
        long pid = readPid(pidFile)
                .orElseThrow(
                        () -> new WrapperException("criu restore succeeded but wrote no usable pid file " + pidFile));
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new WrapperException("cannot remove criu's pid file " + pidFile + ": " + e.getMessage(), e);
        }
        return new Restored(pid, millis, exitStatusLost);
    }

    /**
     * Whether CRIU can give restored processes their pids with {@code clone3(set_tid)}. Without it
     * CRIU writes the pid namespace's last-pid counter before each fork, which races with anything
     * else creating processes or threads at the same time.
     */
    boolean setsPidsExactly() {
        try {
            Process check = new ProcessBuilder(binary.toString(), "check", "--feature", "clone3_set_tid")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return check.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long run(List<String> args, Path log, String action) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        int exit;
        long start = System.nanoTime();
        try {
            // CRIU inherits the wrapper's stdio: restore hands fds 0-2 to the app (--inherit-fd).
            Process criu = new ProcessBuilder(command).inheritIO().start();
            exit = criu.waitFor();
        } catch (IOException e) {
            throw new WrapperException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WrapperException("interrupted while criu " + action + " ran");
        }
        checkExit(exit, log, action);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void checkExit(int exit, Path log, String action) {
        if (exit != 0) {
            throw new CriuFailure("criu " + action + " failed (exit " + exit + "): "
                    + firstError(log).orElse("no error line in the log") + " (see " + log + ")");
        }
    }

    /** CRIU's first "Error" line is the cause; later ones are consequences. */
    static Optional<String> firstError(Path log) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l ->
                            l.contains("Error (") && HARMLESS_ERRORS.stream().noneMatch(l::contains))
                    .findFirst()
                    .map(l -> l.replaceFirst("^\\(\\s*[0-9.]+\\)\\s*", "").strip());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** CRIU ran and refused: the app is untouched (dump) or nothing was restored (restore). */
    static final class CriuFailure extends WrapperException {
        CriuFailure(String message) {
            super(message);
        }
    }
}

package dev.amber.cli.demo;

import dev.amber.cli.AmberCommand;
import dev.amber.cli.output.Bytes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A tour on the local machine, no cluster needed: a counter container is started with Podman,
 * checkpointed with CRIU into an archive, read by Amber's own {@code show} and {@code inspect},
 * and restored, where it counts on from the number it had reached.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Checkpoint a running container with Podman and CRIU, inspect the archive with Amber, and restore it.",
            "Needs root, Podman with runc and CRIU >= 4.2 (./amber demo runs scripts/setup-runtime first)."
        })
public final class DemoCommand implements Runnable {

    /** The image scripts/setup-runtime imports from a busybox-static rootfs (no registry needed). */
    static final String IMAGE = "localhost/amber-test/busybox:latest";
    /** busybox sh counting five times a second: its log shows where the process was. */
    static final String COUNTER = "i=0; while :; do echo $i; i=$((i+1)); sleep 0.2; done";

    private static final Pattern NUMBER_LINE = Pattern.compile("(?m)^(\\d+)$");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Option(
            names = "--keep-archive",
            paramLabel = "FILE",
            description = "Keep the checkpoint archive at FILE instead of deleting it at the end; "
                    + "FILE ending .tar is uncompressed, .tar.gz gzip, anything else zstd.")
    Path keepArchive;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PodmanRunner podman = new PodmanRunner(Duration.ofMinutes(2));
    private final List<String> containers = new ArrayList<>();

    @Override
    public void run() {
        checkPrerequisites();
        PrintWriter out = spec.commandLine().getOut();
        Path workDirectory = createWorkDirectory();
        Thread cleanupOnInterrupt = new Thread(this::removeContainers, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnInterrupt);
        try {
            String name = "amber-demo-" + ProcessHandle.current().pid();
            Path archive =
                    keepArchive != null ? keepArchive.toAbsolutePath() : workDirectory.resolve(name + ".tar.zst");

            step(out, "1/4", "Starting container " + name + " with Podman: busybox sh counting five times a second");
            containers.add(name);
            podman.run("run", "--detach", "--name", name, IMAGE, "sh", "-c", COUNTER);
            awaitCounter(name, values -> values.size() >= 10);

            step(out, "2/4", "Checkpointing it with CRIU: podman container checkpoint --export " + archive);
            long started = System.nanoTime();
            podman.run(
                    "container",
                    "checkpoint",
                    "--export",
                    archive.toString(),
                    "--compress",
                    compressionFor(archive),
                    name);
            double checkpointSeconds = (System.nanoTime() - started) / 1e9;
            // The checkpoint stopped the container, so its log ends exactly where the archive's does.
            long lastBeforeCheckpoint = counterValues(podman.run("logs", name)).getLast();
            out.printf(
                    "      %s written in %.1f s; the counter had reached %d%n",
                    Bytes.human(size(archive)), checkpointSeconds, lastBeforeCheckpoint);
            podman.run("rm", name);
            containers.remove(name);

            step(out, "3/4", "Reading the archive with Amber: amber show, then amber inspect --ps-tree-cmd --files");
            out.flush();
            runAmber(out, "show", archive.toString());
            runAmber(out, "inspect", "--ps-tree-cmd", "--files", archive.toString());

            String restored = name + "-restored";
            step(out, "4/4", "Restoring it as " + restored + ": podman container restore --import " + archive);
            containers.add(restored);
            started = System.nanoTime();
            podman.run("container", "restore", "--import", archive.toString(), "--name", restored);
            double restoreSeconds = (System.nanoTime() - started) / 1e9;
            List<Long> after = awaitCounter(
                    restored,
                    values -> valuesAfter(values, lastBeforeCheckpoint).size() >= 5);
            List<Long> firstAfter = valuesAfter(after, lastBeforeCheckpoint).subList(0, 5);
            out.printf(
                    "      restored in %.1f s; last value before the checkpoint: %d; first values after the restore: %s%n",
                    restoreSeconds,
                    lastBeforeCheckpoint,
                    firstAfter.stream().map(String::valueOf).collect(Collectors.joining(" ")));
            if (firstAfter.getFirst() != lastBeforeCheckpoint + 1) {
                throw new DemoException("the restored counter did not continue from " + lastBeforeCheckpoint);
            }
            out.println("Done: the process went on from where it was checkpointed"
                    + (keepArchive != null ? "; the archive is kept at " + archive : "") + ".");
        } finally {
            removeContainers();
            Runtime.getRuntime().removeShutdownHook(cleanupOnInterrupt);
            deleteTree(workDirectory);
        }
    }

    private void checkPrerequisites() {
        String setup = " (run scripts/setup-runtime as root; ./amber demo does it for you)";
        if (!PodmanRunner.installed()) {
            throw new DemoException("Podman is not installed" + setup);
        }
        if (!PodmanRunner.criuInstalled()) {
            throw new DemoException("CRIU is not installed" + setup);
        }
        if (!isRoot()) {
            throw new DemoException("checkpointing with CRIU needs root; run amber demo as root");
        }
        if (keepArchive != null
                && !Files.isDirectory(keepArchive.toAbsolutePath().getParent())) {
            throw new DemoException("cannot keep the archive at " + keepArchive + ": "
                    + keepArchive.toAbsolutePath().getParent() + " is not a directory");
        }
        try {
            podman.run("image", "exists", IMAGE);
        } catch (DemoException e) {
            throw new DemoException("the demo image " + IMAGE + " is missing" + setup);
        }
    }

    /** Runs one of Amber's own subcommands in this JVM, as a user would type it. */
    private void runAmber(PrintWriter out, String... args) {
        out.println("      $ amber " + String.join(" ", args));
        out.flush();
        int exit = AmberCommand.commandLine()
                .setOut(out)
                .setErr(spec.commandLine().getErr())
                .execute(args);
        if (exit != 0) {
            throw new DemoException("amber " + args[0] + " could not read the archive (exit code " + exit + ")");
        }
    }

    private List<Long> awaitCounter(String container, Predicate<List<Long>> ready) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Long> values = List.of();
        while (System.nanoTime() < deadline) {
            values = counterValues(podman.run("logs", container));
            if (ready.test(values)) {
                return values;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted while watching " + container);
            }
        }
        throw new DemoException("container " + container + " did not count as expected within " + WAIT.toSeconds()
                + " s (last values: " + values.subList(Math.max(0, values.size() - 3), values.size()) + ")");
    }

    /** Podman's --compress value for the archive's file name, so the name tells the truth. */
    static String compressionFor(Path archive) {
        String name = archive.getFileName().toString();
        return name.endsWith(".tar") ? "none" : name.endsWith(".tar.gz") || name.endsWith(".tgz") ? "gzip" : "zstd";
    }

    /** The values logged after {@code last}: the restored log starts with the checkpointed one's lines. */
    static List<Long> valuesAfter(List<Long> values, long last) {
        int at = values.lastIndexOf(last);
        return values.subList(at + 1, values.size());
    }

    static List<Long> counterValues(String log) {
        Matcher matcher = NUMBER_LINE.matcher(log);
        List<Long> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(Long.parseLong(matcher.group(1)));
        }
        return values;
    }

    private void removeContainers() {
        for (String container : List.copyOf(containers)) {
            try {
                podman.run("rm", "--force", "--time", "0", "--ignore", container);
                containers.remove(container);
            } catch (DemoException e) {
                spec.commandLine()
                        .getErr()
                        .println("amber demo: could not remove container " + container + ": " + e.getMessage());
            }
        }
    }

    private static void step(PrintWriter out, String number, String text) {
        out.println("[" + number + "] " + text);
        out.flush();
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createWorkDirectory() {
        try {
            return Files.createTempDirectory("amber-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    private static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover under the temp directory does no harm
        }
    }
}

package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore plan and the launcher that runs it. The launcher is the real script; java and criu
 * are stand-ins that record how they were called, because what is under test is which command the
 * launcher runs and when (WrapperCriuTest runs it with the real JVM and CRIU).
 */
class EarlyRestoreTest {
    private static final List<String> ARGS =
            List.of("restore", "--images-dir", "/data/a dir/$HOME", "--inherit-fd", "fd[1]:pipe:[42]");

    @TempDir
    Path dir;

    private Path launcher;
    private Path criu;
    private Path config;
    private Path checkpoint;

    @BeforeEach
    void setUp() throws IOException {
        Path fakeJava = script("java", "#!/bin/sh\necho \"pid=$AMBER_EARLY_RESTORE_PID\"\n");
        launcher = TestLauncher.render(Files.createDirectories(dir.resolve("bin")), fakeJava, "unused");
        criu = script(
                "criu",
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + dir.resolve("criu-ran") + "\n");
        Path images = dir.resolve("images");
        checkpoint = Files.createDirectories(images.resolve("checkpoint-1"));
        Files.createSymbolicLink(images.resolve("current"), Path.of("checkpoint-1"));
        Files.writeString(checkpoint.resolve(CheckpointMarker.FILE_NAME), "{}");
        config = Files.writeString(dir.resolve("config.yaml"), "imageDir: " + images + "\ntcpClose: true\n");
    }

    private Path script(String name, String text) throws IOException {
        Path p = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Runs the launcher; returns what the stand-in java saw in AMBER_EARLY_RESTORE_PID. */
    private String launch(String... args) throws Exception {
        Process p = new ProcessBuilder(launcher.toString())
                .command(Stream.concat(Stream.of(launcher.toString()), Arrays.stream(args))
                        .toList())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(out).startsWith("pid=");
        return out.substring(4);
    }

    private List<String> criuArgs() {
        Path ran = dir.resolve("criu-ran");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(ran)
                        && Files.readString(ran).endsWith("\n")
                        && Files.readAllLines(ran).size() == ARGS.size());
        try {
            return Files.readAllLines(ran);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void runsThePlanWordForWordWhenTheConfigIsTheOneItWasMadeFrom() throws Exception {
        assertThat(EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of()))
                .isTrue();

        String pid = launch("run", "--config", config.toString(), "--", "app");

        assertThat(pid).matches("[0-9]+");
        assertThat(criuArgs()).isEqualTo(ARGS);
    }

    @Test
    void readsTheConfigGivenAsConfigEquals() throws Exception {
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());

        assertThat(launch("run", "--config=" + config, "--", "app")).matches("[0-9]+");
        assertThat(criuArgs()).isEqualTo(ARGS);
    }

    @Test
    void leavesTheRestoreToTheWrapperWhenTheConfigChangedSinceTheCheckpoint() throws Exception {
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());
        Files.writeString(config, Files.readString(config).replace("tcpClose: true", "tcpClose: false"));

        assertThat(launch("run", "--config", config.toString(), "--", "app")).isEmpty();
        assertThat(dir.resolve("criu-ran")).doesNotExist();
    }

    @Test
    void leavesTheRestoreToTheWrapperWithoutAPlanOrAMarkerOrInAnotherFormat() throws Exception {
        assertThat(launch("run", "--config", config.toString(), "--", "app"))
                .as("no plan")
                .isEmpty();

        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());
        Files.delete(checkpoint.resolve(CheckpointMarker.FILE_NAME));
        assertThat(launch("run", "--config", config.toString(), "--", "app"))
                .as("no marker")
                .isEmpty();

        Files.writeString(checkpoint.resolve(CheckpointMarker.FILE_NAME), "{}");
        Path plan = checkpoint.resolve(EarlyRestore.PLAN_FILE);
        Files.writeString(plan, Files.readString(plan).replace(EarlyRestore.PLAN_HEADER, "amber-restore-plan 2"));
        assertThat(launch("run", "--config", config.toString(), "--", "app"))
                .as("a later format")
                .isEmpty();
        assertThat(dir.resolve("criu-ran")).doesNotExist();
    }

    @Test
    void readsAnImageDirWithACommentAfterIt() throws Exception {
        Files.writeString(config, "imageDir: " + dir.resolve("images") + "\t  # a PersistentVolume\n");
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());

        assertThat(launch("run", "--config", config.toString(), "--", "app")).matches("[0-9]+");
        assertThat(criuArgs()).isEqualTo(ARGS);
    }

    @Test
    void leavesAnImageDirItCannotReadPlainlyToTheWrapper() throws Exception {
        for (String line : List.of(
                "imageDir: \"" + dir.resolve("images") + "\"",
                "imageDir: " + dir.resolve("images") + "#x",
                "imageDir: " + dir.resolve("images") + "\nimageDir: /elsewhere",
                "{imageDir: " + dir.resolve("images") + "}")) {
            Files.writeString(config, line + "\n");
            EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());
            assertThat(launch("run", "--config", config.toString(), "--", "app"))
                    .as(line)
                    .isEmpty();
        }
        assertThat(dir.resolve("criu-ran")).doesNotExist();
    }

    @Test
    void leavesHelpAndUnknownOptionsToTheWrapper() throws Exception {
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());
        assertThat(launch("--help")).isEmpty();
        assertThat(launch("run", "--verbose", "--config", config.toString(), "--", "app"))
                .isEmpty();
        assertThat(dir.resolve("criu-ran")).doesNotExist();
    }

    /**
     * The wrapper reads its whole command line before it restores, and prints help or an error and
     * exits when it ends that way; a restore started regardless would leave the app running
     * without a wrapper. So the launcher reads the options after --config too, as WrapperMain does.
     */
    @Test
    void leavesACommandLineTheWrapperWouldRefuseAfterConfigToTheWrapper() throws Exception {
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of());
        for (List<String> args : List.of(
                List.of("run", "--config", config.toString(), "--help"),
                List.of("run", "--config", config.toString(), "-h", "--", "app"),
                List.of("run", "--config", config.toString(), "--verbose", "--", "app"),
                List.of("run", "--config", config.toString()),
                List.of("run", "--config", config.toString(), "--"),
                List.of("run", "--config=" + config, "--config", "--", "app"),
                List.of(
                        "run",
                        "--config",
                        config.toString(),
                        "--config",
                        dir.resolve("other.yaml").toString(),
                        "--",
                        "app"))) {
            assertThat(launch(args.toArray(String[]::new)))
                    .as(String.join(" ", args))
                    .isEmpty();
        }
        assertThat(dir.resolve("criu-ran")).doesNotExist();

        Files.writeString(dir.resolve("other.yaml"), "imageDir: /elsewhere\n");
        assertThat(launch(
                        "run", "--config", dir.resolve("other.yaml").toString(), "--config", config.toString(), "app"))
                .as("the last --config counts, and the command may follow without --")
                .matches("[0-9]+");
        assertThat(criuArgs()).isEqualTo(ARGS);
    }

    @Test
    void putsSavedAdditionalPathsBackBeforeCriuRuns() throws Exception {
        Path target = Files.createDirectories(dir.resolve("app-state")).resolve("last");
        Files.writeString(target, "41");
        Path tree = Files.createDirectories(dir.resolve("app tree/sub"));
        Files.writeString(tree.resolve("f"), "x");
        List<Path> saved =
                AppFiles.saveAdditional(List.of(target, tree.getParent(), dir.resolve("never-there")), checkpoint);
        assertThat(saved).containsExactly(target, tree.getParent());
        CheckpointStore.deleteTree(target.getParent()); // a new container would not have them
        CheckpointStore.deleteTree(tree.getParent());
        criu = script("criu", "#!/bin/sh\ncat " + target + " > " + dir.resolve("criu-saw") + "\n");
        assertThat(EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), saved))
                .isTrue();

        assertThat(launch("run", "--config", config.toString(), "--", "app")).matches("[0-9]+");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("criu-saw")));
        assertThat(target).hasContent("41");
        assertThat(dir.resolve("criu-saw")).as("in place when criu ran").hasContent("41");
        assertThat(tree.resolve("f")).hasContent("x");
        assertThat(dir.resolve("never-there")).doesNotExist();
    }

    /**
     * The launcher copies back only the saved paths themselves: the directories above them (here a
     * world-writable one, and /tmp itself when the test runs there) keep their modes and owners, as
     * {@link AppFiles#restoreAdditional} leaves them.
     */
    @Test
    void leavesTheDirectoriesAboveAnAdditionalPathAsTheyAre() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path target = Files.createDirectories(shared.resolve("app-state")).resolve("last");
        Files.writeString(target, "41");
        AppFiles.saveAdditional(List.of(target), checkpoint);
        CheckpointStore.deleteTree(target.getParent()); // a new container would not have it
        Map<Path, String> before = modesAndOwners(shared);
        criu = script("criu", "#!/bin/sh\ncat " + target + " > " + dir.resolve("criu-saw") + "\n");
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of(target));

        assertThat(launch("run", "--config", config.toString(), "--", "app")).matches("[0-9]+");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("criu-saw")));
        assertThat(dir.resolve("criu-saw")).hasContent("41");
        assertThat(modesAndOwners(shared)).isEqualTo(before);
    }

    /** Mode and owner of {@code path} and each directory above it. */
    private static Map<Path, String> modesAndOwners(Path path) throws IOException {
        Map<Path, String> found = new TreeMap<>();
        for (Path p = path; p != null; p = p.getParent()) {
            found.put(p, Files.getAttribute(p, "unix:mode") + " " + Files.getOwner(p));
        }
        return found;
    }

    @Test
    void aPlanWhoseAdditionalPathsAreMissingIsLeftToTheWrapper() throws Exception {
        Path target = dir.resolve("app-state");
        Files.writeString(target, "41");
        AppFiles.saveAdditional(List.of(target), checkpoint);
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of(target));
        CheckpointStore.deleteTree(checkpoint.resolve(AppFiles.ADDITIONAL_DIR));

        assertThat(launch("run", "--config", config.toString(), "--", "app")).isEmpty();
        assertThat(dir.resolve("criu-ran")).doesNotExist();
    }

    @Test
    void aLauncherRestoreThatSucceedsWithoutAPidFileIsGivenUpNotRestoredAgain() throws Exception {
        // The real wrapper this time, through the launcher. The plan's criu succeeds but leaves no pid
        // file, so the wrapper cannot tell what it restored; a second restore could run the app twice.
        Path realLauncher = TestLauncher.render(Files.createDirectories(dir.resolve("real/bin")));
        Files.writeString(config, Files.readString(config) + "freshStartOnRestoreFailure: true\n");
        Files.writeString(
                checkpoint.resolve(CheckpointMarker.FILE_NAME),
                new CheckpointMarker(CheckpointMarker.FORMAT, "2026-01-01T00:00:00Z", 1, List.of("app"), Map.of())
                        .toJson());
        EarlyRestore.writePlan(
                checkpoint,
                script("silent-criu", "#!/bin/sh\nexit 0\n"),
                List.of("restore"),
                Files.readString(config),
                List.of());
        // The wrapper's own criu notes every call, so a second restore would show.
        Path calls = dir.resolve("own-criu-calls");
        Path ownCriu = script("own-criu", "#!/bin/sh\necho \"$1\" >> " + calls + "\nexit 1\n");

        try (WrapperProcess w = WrapperProcess.startThroughLauncher(
                realLauncher, config, Map.of("AMBER_CRIU", ownCriu.toString()), "sh", "-c", "echo fresh; sleep 30")) {
            w.awaitOut(l -> l.equals("fresh"));
            assertThat(w.err).anyMatch(l -> l.contains("wrote no usable pid file") && l.contains("starting afresh"));
            assertThat(w.err).noneMatch(l -> l.contains("restoring again"));
        }
        if (Files.exists(calls)) {
            assertThat(Files.readAllLines(calls)).doesNotContain("restore");
        }
    }

    @Test
    void aPlanIsReadBackAndOneThatCannotBeWrittenAsLinesIsNotWritten() throws Exception {
        assertThat(EarlyRestore.writePlan(checkpoint, criu, ARGS, "imageDir: /x\n", List.of()))
                .isTrue();
        assertThat(EarlyRestore.readPlan(checkpoint))
                .contains(
                        Stream.concat(Stream.of(criu.toString()), ARGS.stream()).toList());
        assertThat(Files.readString(checkpoint.resolve(EarlyRestore.CONFIG_FILE)))
                .isEqualTo("imageDir: /x\n");

        Path other = Files.createDirectories(dir.resolve("other"));
        assertThat(EarlyRestore.writePlan(
                        other, criu, List.of("restore", "--images-dir", "/a\nb"), "imageDir: /x\n", List.of()))
                .isFalse();
        assertThat(EarlyRestore.writePlan(other, criu, ARGS, "imageDir: /x\n", List.of(Path.of("/a/../b"))))
                .as("not normal")
                .isFalse();
        assertThat(other).isEmptyDirectory();
        assertThat(EarlyRestore.readPlan(other)).isEmpty();
    }

    @Test
    void thePidComesFromTheLauncherAlone() {
        assertThat(EarlyRestore.startedByLauncher(Map.of())).isEmpty();
        assertThat(EarlyRestore.startedByLauncher(Map.of(EarlyRestore.PID_VARIABLE, "4711")))
                .isEqualTo(Optional.of(4711L));
        assertThatThrownBy(() -> EarlyRestore.startedByLauncher(Map.of(EarlyRestore.PID_VARIABLE, "x")))
                .hasMessageContaining("is not a pid");
    }

    /**
     * The launcher's shell variables are not the app's: a variable of the same name in the
     * environment (exported, as every imported one is) reaches the JVM, and a fresh app, unchanged.
     */
    @Test
    void leavesTheEnvironmentAsItFoundIt() throws Exception {
        Matcher assigned = Pattern.compile(
                        "(?:^|[\\s;{(])([a-z_][a-z0-9_]*)=|read -r ([a-z_][a-z0-9_]*)|for ([a-z_][a-z0-9_]*) in")
                .matcher(Files.readString(TestLauncher.TEMPLATE));
        Set<String> names = new TreeSet<>();
        while (assigned.find()) {
            names.add(Stream.of(assigned.group(1), assigned.group(2), assigned.group(3))
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElseThrow());
        }
        assertThat(names).as("names the launcher assigns").contains("line", "header");
        names.removeIf(name -> name.startsWith("amber_")); // the launcher's own, at the top level
        Path target = Files.createDirectories(dir.resolve("app-state")).resolve("last");
        Files.writeString(target, "41");
        AppFiles.saveAdditional(List.of(target), checkpoint);
        EarlyRestore.writePlan(checkpoint, criu, ARGS, Files.readString(config), List.of(target));
        Path seen = dir.resolve("java-env");
        script("java", "#!/bin/sh\nenv > " + seen + "\necho \"pid=$AMBER_EARLY_RESTORE_PID\"\n");

        ProcessBuilder builder = new ProcessBuilder(
                        launcher.toString(), "run", "--config", config.toString(), "--", "app")
                .redirectErrorStream(true);
        names.forEach(name -> builder.environment().put(name, "from-the-environment"));
        Process p = builder.start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .matches("pid=[0-9]+\\s*");
        assertThat(Files.readAllLines(seen))
                .containsAll(
                        names.stream().map(n -> n + "=from-the-environment").toList());
    }

    @Test
    void theLauncherNamesWhatTheWrapperWrites() throws IOException {
        assertThat(Files.readString(TestLauncher.TEMPLATE))
                .contains(
                        EarlyRestore.PLAN_FILE,
                        EarlyRestore.CONFIG_FILE,
                        EarlyRestore.PLAN_HEADER,
                        EarlyRestore.PID_VARIABLE,
                        CheckpointMarker.FILE_NAME,
                        "$dir/" + CheckpointStore.CURRENT,
                        EarlyRestore.COPY_ADDITIONAL_PATHS,
                        EarlyRestore.NO_ADDITIONAL_PATHS,
                        EarlyRestore.PATHS_FILE,
                        "/" + AppFiles.ADDITIONAL_DIR + "$path",
                        "/etc/amber/config.yaml",
                        "/etc/crik/config.yaml");
    }
}

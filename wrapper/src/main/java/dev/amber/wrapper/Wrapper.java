package dev.amber.wrapper;

import dev.amber.errors.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code amber wrap run -- CMD}: restores CMD's process tree from the image directory when a
 * complete checkpoint is there, otherwise starts CMD; on SIGTERM checkpoints it or passes the
 * signal on; exits with the app's exit code.
 */
public final class Wrapper {
    /** First pid for a fresh app when the wrapper runs in a container; see {@link #reservePidsForApp()}. */
    static final int APP_PID_FLOOR = 10_000;
    /** The floor when ns_last_pid is read-only and pids are taken one thread at a time. */
    static final int APP_PID_FLOOR_WITHOUT_NS_LAST_PID = 1_000;
    /** Where criu restore writes the restored root's pid, inside the checkpoint directory. */
    static final String RESTORED_PID_FILE = "restored.pid";

    private static final int PID_RETRIES = 25;

    private final WrapperConfigLoader.ConfigFile configFile;
    private final WrapperConfig config;
    private final Criu criu;
    private final CheckpointStore store;
    private final Supplier<NodeStateAnswer> nodeState;
    private final WrapperLog log;
    /** The criu restore the launcher started before this JVM, until it is adopted or discarded. */
    private Optional<AdoptedChild> launcherRestore;
    /** Whether checkpoints may carry a plan for the launcher; see {@link EarlyRestore}. */
    private final CompletableFuture<Boolean> criuSetsPidsExactly = new CompletableFuture<>();

    Wrapper(
            WrapperConfigLoader.ConfigFile configFile,
            Criu criu,
            Supplier<NodeStateAnswer> nodeState,
            Optional<Long> launcherRestorePid,
            WrapperLog log) {
        this.configFile = configFile;
        this.config = configFile.config();
        this.criu = criu;
        this.store = new CheckpointStore(config.imageDir());
        this.nodeState = nodeState;
        this.launcherRestore = launcherRestorePid.map(AdoptedChild::new);
        this.log = log;
    }

    /** A wrapper that finds CRIU on this machine and asks the configured node-state server. */
    public static Wrapper create(WrapperConfigLoader.ConfigFile configFile, WrapperLog log) {
        WrapperConfig config = configFile.config();
        NodeStateClient client =
                config.nodeStateServerURL() == null ? null : new NodeStateClient(config.nodeStateServerURL());
        Supplier<NodeStateAnswer> nodeState = () -> client == null
                ? NodeStateAnswer.unreachable("no nodeStateServerURL configured")
                : client.ask(System.getenv("KUBERNETES_NODE_NAME"));
        return new Wrapper(configFile, Criu.locate(), nodeState, EarlyRestore.startedByLauncher(System.getenv()), log);
    }

    private sealed interface Event permits Term, Exit {}

    private record Term() implements Event {}

    private record Exit(int code) implements Event {}

    /** Runs until the app exits (its exit code) or is checkpointed (0). */
    public int run(List<String> command) {
        if (command.isEmpty()) {
            throw new WrapperException("no command to run: amber wrap run [--config FILE] -- CMD [ARGS...]");
        }
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Running running;
        try {
            store.prepare().forEach(p -> log.info("removed " + p + ": a dump that never completed"));
            // Installed before the app exists, so a SIGTERM during start-up is not lost.
            TermSignal.deliverTo(events, new Term());
            running = startOrRestore(command);
        } finally {
            discardLauncherRestore();
        }
        running.app().exitCode().thenAccept(code -> events.add(new Exit(code)));
        // Off the critical path: the answer is needed only by the next checkpoint.
        Thread.ofPlatform()
                .daemon()
                .name("criu-check")
                .start(() -> criuSetsPidsExactly.complete(criu.setsPidsExactly()));
        while (true) {
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WrapperException("interrupted while waiting for the app");
            }
            if (event instanceof Exit(int code)) {
                // The app ended by itself, so a checkpoint it was restored from is stale now.
                store.retire();
                log.info("app (pid " + running.app().pid() + ") exited with code " + code);
                return code;
            }
            TerminationPolicy.Decision decision = TerminationPolicy.decide(config, nodeState);
            if (decision.action() == TerminationPolicy.Action.CHECKPOINT) {
                log.info("SIGTERM: checkpointing, because " + decision.why());
                try {
                    checkpoint(running);
                    return 0;
                } catch (WrapperException e) {
                    log.info("checkpoint failed, passing SIGTERM to the app instead: " + e.getMessage());
                }
            } else {
                log.info("SIGTERM: passing it to the app, because " + decision.why());
            }
            running.app().terminate();
        }
    }

    private record Running(WrappedApp app, List<String> command) {}

    private Running startOrRestore(List<String> command) {
        Optional<CheckpointStore.StoredCheckpoint> checkpoint;
        try {
            checkpoint = store.current();
        } catch (CheckpointStore.CorruptCheckpoint e) {
            giveUpOnCheckpoint(e);
            checkpoint = Optional.empty();
        }
        if (checkpoint.isPresent()) {
            try {
                return restore(checkpoint.get(), command);
            } catch (WrapperException e) {
                giveUpOnCheckpoint(e);
            }
        }
        discardLauncherRestore();
        reservePidsForApp();
        long start = System.nanoTime();
        Optional<Path> setsid = OwnSession.find(System.getenv("PATH"));
        WrappedApp app = WrappedApp.Started.start(OwnSession.command(command, setsid));
        log.info("started " + String.join(" ", command) + " (pid " + app.pid() + ", "
                + millis(start) + " ms) with no checkpoint in " + config.imageDir()
                + (setsid.isPresent() ? "" : "; no setsid on PATH, so the app shares the wrapper's session"));
        return new Running(app, command);
    }

    /**
     * Fails the start unless the config allows a fresh start. Failing leaves the checkpoint as it is,
     * so a start after the cause is fixed restores it; a fresh start moves it aside for inspection.
     */
    private void giveUpOnCheckpoint(WrapperException cause) {
        if (!config.freshStartOnRestoreFailure()) {
            throw new WrapperException(
                    cause.getMessage() + "; set freshStartOnRestoreFailure: true to start afresh instead", cause);
        }
        Optional<Path> aside = store.quarantine();
        log.info("cannot restore (" + cause.getMessage() + "); starting afresh as freshStartOnRestoreFailure allows"
                + aside.map(p -> ", checkpoint kept in " + p).orElse(""));
    }

    private Running restore(CheckpointStore.StoredCheckpoint checkpoint, List<String> command) {
        long start = System.nanoTime();
        Path dir = checkpoint.dir();
        CheckpointMarker marker = checkpoint.marker();
        if (!marker.command().isEmpty() && !marker.command().equals(command)) {
            log.info("note: the checkpoint holds " + String.join(" ", marker.command())
                    + ", restoring it although the command is now " + String.join(" ", command));
        }
        Path pidFile = dir.resolve(RESTORED_PID_FILE);
        Optional<Criu.Restored> early = adoptLauncherRestore(dir, pidFile);
        Criu.Restored restored;
        if (early.isPresent()) {
            restored = early.get();
        } else {
            AppFiles.restoreAdditional(config.additionalPaths(), dir);
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                throw new WrapperException("cannot write to " + dir + ": " + OneLine.of(e), e);
            }
            restored = restoreWaitingForPids(CriuArguments.restore(config, dir, pidFile, marker.stdio()), dir, pidFile);
        }
        long pid = restored.pid();
        WrappedApp app = new WrappedApp.Restored(new AdoptedChild(pid));
        log.info("restored " + String.join(" ", marker.command()) + " (pid " + pid + ") from " + dir
                + " in " + millis(start) + " ms (criu restore " + restored.millis() + " ms"
                + (early.isPresent() ? " more, started by the launcher before the JVM" : "") + ")");
        return new Running(app, marker.command().isEmpty() ? command : marker.command());
    }

    /**
     * Waits for the restore the launcher started from this checkpoint's plan. If it failed, the
     * wrapper restores again itself, exactly as it would have without the launcher.
     */
    private Optional<Criu.Restored> adoptLauncherRestore(Path dir, Path pidFile) {
        if (launcherRestore.isEmpty()) {
            return Optional.empty();
        }
        AdoptedChild launcherCriu = launcherRestore.get();
        launcherRestore = Optional.empty();
        try {
            Criu.Restored restored = criu.awaitRestore(launcherCriu, dir, pidFile);
            if (restored.exitStatusLost()) {
                log.info("another process reaped the launcher's criu (pid " + launcherCriu.pid()
                        + ") before the JVM could read its exit status; its pid file names the running restored app");
            }
            return Optional.of(restored);
        } catch (Criu.CriuFailure e) {
            stopWhatItRestored(launcherCriu);
            log.info("the restore the launcher started failed (" + e.getMessage() + "); restoring again");
            return Optional.empty();
        } catch (WrapperException e) {
            // criu may have restored the tree, but the wrapper cannot tell which it is: restoring
            // again would run the app twice, so this checkpoint is given up instead.
            stopWhatItRestored(launcherCriu);
            throw e;
        }
    }

    /**
     * A restore the launcher started but the wrapper did not take (the checkpoint turned out not to
     * be restorable, or the start failed before the restore): its tree must not run unwrapped. Until
     * the app starts, the JVM's only children are that criu and the tree it restored.
     */
    private void discardLauncherRestore() {
        launcherRestore.ifPresent(this::stopWhatItRestored);
        launcherRestore = Optional.empty();
    }

    private void stopWhatItRestored(AdoptedChild launcherCriu) {
        launcherCriu.exitStatus().join(); // a criu still restoring would go on building the tree
        // Whatever criu's exit: a criu killed by a signal, or one that failed after resuming the
        // tasks, leaves a tree behind. After an ordinary failure CRIU has killed it already.
        ProcessHandle.current()
                .children()
                .filter(child -> child.pid() != launcherCriu.pid())
                .map(child -> new AdoptedChild(child.pid()))
                .filter(AdoptedChild::isRunningChild)
                .forEach(root -> {
                    root.killTree();
                    log.info("stopped the tree (pid " + root.pid()
                            + ") the launcher restored, because the wrapper did not take it");
                });
    }

    /**
     * In the same pid namespace (a container restarted inside a pod that shares its pid namespace,
     * or a host) the previous tree's zombies may not be reaped yet when the next start restores, and
     * CRIU finds their pids taken. They are reaped within moments, so a few retries cover that.
     */
    private Criu.Restored restoreWaitingForPids(List<String> args, Path dir, Path pidFile) {
        for (int attempt = 1; ; attempt++) {
            try {
                return criu.restore(args, dir, pidFile);
            } catch (Criu.CriuFailure e) {
                if (!e.getMessage().contains("File exists") || attempt == PID_RETRIES) {
                    throw e;
                }
                if (attempt == 1) {
                    log.info("a pid of the checkpoint is still taken (" + e.getMessage() + "); retrying");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void checkpoint(Running running) {
        long start = System.nanoTime();
        long pid = running.app().pid();
        AppFiles.removeInotifyIncompatible(config.inotifyIncompatiblePaths());
        Map<Integer, String> stdio = StdioLinks.of(pid);
        Path partial = store.beginPartial();
        try {
            long criuMillis;
            try (ImageWriteback writeback = ImageWriteback.start(partial)) {
                criuMillis = criu.dump(CriuArguments.dump(config, pid, partial), partial);
            }
            // After the dump the app is gone, so the copies match the memory image exactly.
            List<Path> saved = AppFiles.saveAdditional(config.additionalPaths(), partial);
            if (criuSetsPidsExactly.getNow(false)) {
                Path published = store.publishedDir(partial);
                EarlyRestore.writePlan(
                        partial,
                        criu.binary(),
                        CriuArguments.restore(config, published, published.resolve(RESTORED_PID_FILE), stdio),
                        configFile.text(),
                        saved);
            }
            long publishStart = System.nanoTime();
            CheckpointStore.StoredCheckpoint stored = store.publish(
                    partial,
                    new CheckpointMarker(
                            CheckpointMarker.FORMAT, Instant.now().toString(), pid, running.command(), stdio));
            long publishMillis = millis(publishStart);
            awaitGone(running.app(), dumpedPids(stored.dir(), pid));
            log.info("checkpointed pid " + pid + " into " + stored.dir() + " in " + millis(start) + " ms (criu dump "
                    + criuMillis + " ms, sync and publish " + publishMillis + " ms)");
        } catch (RuntimeException e) {
            try {
                store.discard(partial);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * CRIU kills the dumped tree. Waiting until the app has exited and its descendants are reaped
     * (by whoever adopted them) means that when the wrapper exits their pids are free again, which
     * a restore in the same pid namespace needs. A restored app stays a zombie until the wrapper
     * exits, so for the root only its exit is awaited.
     */
    private void awaitGone(WrappedApp app, List<Long> descendants) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            app.exitCode().get(5, TimeUnit.SECONDS);
            while (!descendants.stream().allMatch(Wrapper::reapedOrOurZombie)) {
                if (System.nanoTime() > deadline) {
                    log.info("some dumped processes are not reaped yet; a restore in this pid namespace may find"
                            + " their pids taken");
                    return;
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            // The checkpoint is already published; a slow reap changes nothing about it.
        }
    }

    /**
     * As a container's init the wrapper adopts the dumped tree's orphans, and a JVM cannot reap
     * them; their pids are freed when the container's pid namespace ends with the wrapper.
     */
    private static boolean reapedOrOurZombie(long pid) {
        Path stat = AdoptedChild.statOf(pid);
        return !Files.exists(stat)
                || AdoptedChild.zombieExitCode(stat, ProcessHandle.current().pid())
                        .isPresent();
    }

    /** Every process and thread CRIU dumped (one core-PID.img each), the root excepted. */
    private static List<Long> dumpedPids(Path images, long root) {
        try (var files = Files.list(images)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("core-") && n.endsWith(".img"))
                    .map(n -> Long.parseLong(n.substring(5, n.length() - 4)))
                    .filter(p -> p != root)
                    .toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /**
     * In a container the wrapper's own threads take the lowest pids, and so do the next container's
     * wrapper and CRIU when they restore: a restore needs the app's old pids free there. Starting
     * the app high above them avoids the clash. A container's pid namespace is young, so the
     * wrapper's pid is low: 1 as the init, a few dozen beside the pause process of a pod with
     * {@code shareProcessNamespace}. Writing ns_last_pid is exact and instant, but /proc/sys is
     * read-only unless the container is privileged; then threads walk the pid counter up to a lower
     * floor, which still clears the few dozen pids a JVM and CRIU take.
     */
    private void reservePidsForApp() {
        if (ProcessHandle.current().pid() >= APP_PID_FLOOR_WITHOUT_NS_LAST_PID) {
            return; // an old pid namespace, such as a host's: the next start will not be in a new one
        }
        try {
            Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), Integer.toString(APP_PID_FLOOR));
            return;
        } catch (IOException e) {
            long start = System.nanoTime();
            try {
                int threads = PidChurn.advanceTo(APP_PID_FLOOR_WITHOUT_NS_LAST_PID);
                log.info("moved the app's pid above " + APP_PID_FLOOR_WITHOUT_NS_LAST_PID + " with " + threads
                        + " short-lived threads in " + millis(start) + " ms (ns_last_pid: " + OneLine.of(e) + ")");
            } catch (WrapperException churnFailed) {
                log.info("cannot move the app's pid up (ns_last_pid: " + OneLine.of(e) + "; " + churnFailed.getMessage()
                        + "); a restore may find its pid taken by the wrapper or CRIU");
            }
        }
    }

    private static long millis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

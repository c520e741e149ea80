package dev.amber.wrapper;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The wrapper as a real process ({@code java -cp <this test's class path> WrapperMain run ...}), with
 * its stdout and stderr read from pipes, as a container runtime would.
 */
final class WrapperProcess implements AutoCloseable {
    private static final List<String> AS_INIT = List.of(
            "unshare", "--pid", "--fork", "--mount-proc", "setsid", "sh", "-c", "exec \"$0\" \"$@\" < /dev/null");

    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    private final Process process;

    private WrapperProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), out);
        pump(process.getErrorStream(), err);
    }

    static WrapperProcess start(Path config, String... command) {
        return start(config, Map.of(), command);
    }

    static WrapperProcess start(Path config, Map<String, String> env, String... command) {
        return start(List.of(), config, env, command);
    }

    /**
     * The wrapper as a container's init: pid 1 of a new pid namespace with its own /proc, session
     * leader (as runc makes it), stdin opened inside, stdout and stderr pipes.
     */
    static WrapperProcess startAsInit(Path config, String... command) {
        return start(AS_INIT, config, Map.of(), command);
    }

    /** {@link #startAsInit} through the runtime's launcher. */
    static WrapperProcess startAsInitThroughLauncher(Path launcher, Path config, String... command) {
        List<String> args = new ArrayList<>(AS_INIT);
        args.addAll(List.of(launcher.toString(), "run", "--config", config.toString(), "--"));
        args.addAll(List.of(command));
        return start(args, Map.of());
    }

    /** Through the runtime's launcher (see {@link TestLauncher}), which may start a restore early. */
    static WrapperProcess startThroughLauncher(Path launcher, Path config, String... command) {
        return startThroughLauncher(launcher, config, Map.of(), command);
    }

    static WrapperProcess startThroughLauncher(Path launcher, Path config, Map<String, String> env, String... command) {
        List<String> args = new ArrayList<>(List.of(launcher.toString(), "run", "--config", config.toString(), "--"));
        args.addAll(List.of(command));
        return start(args, env);
    }

    private static WrapperProcess start(List<String> prefix, Path config, Map<String, String> env, String... command) {
        List<String> args = new ArrayList<>(prefix);
        args.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                WrapperMain.class.getName(),
                "run",
                "--config",
                config.toString(),
                "--"));
        args.addAll(List.of(command));
        return start(args, env);
    }

    private static WrapperProcess start(List<String> args, Map<String, String> env) {
        try {
            ProcessBuilder builder = new ProcessBuilder(args);
            builder.environment().putAll(env);
            return new WrapperProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pump(InputStream in, List<String> into) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    String awaitOut(Predicate<String> line) {
        return awaitLine(out, line);
    }

    String awaitErr(Predicate<String> line) {
        return awaitLine(err, line);
    }

    private String awaitLine(List<String> lines, Predicate<String> line) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(line));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("expected line did not come; stderr: " + err + "; stdout: " + out, e);
        }
        return lines.stream().filter(line).findFirst().orElseThrow();
    }

    /**
     * SIGTERM to the wrapper's JVM (the launched process itself, or its descendant under unshare),
     * through a handle: {@link Process#destroy()} would also close our ends of the pipes.
     */
    void sigterm() {
        ProcessHandle wrapper = process.toHandle()
                .descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst()
                .orElse(process.toHandle());
        wrapper.destroy();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("wrapper still running; stderr: " + err);
        }
        // Let the pumps drain the last lines.
        Thread.sleep(100);
        return process.exitValue();
    }

    /** The pid the wrapper reported for its app ("started ... (pid N" or "restored ... (pid N"). */
    long appPid() {
        var m = Pattern.compile("\\(pid ([0-9]+)").matcher(awaitErr(l -> l.contains("(pid ")));
        m.find();
        return Long.parseLong(m.group(1));
    }

    /** The launched process: the wrapper's JVM, also when a launcher script exec'd it. */
    long pid() {
        return process.pid();
    }

    static boolean alive(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isPresent() && h.get().isAlive();
    }

    @Override
    public void close() {
        // The app is the wrapper's child, started or restored; it must not outlive the test.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}

package dev.amber.testkit.podman;

import dev.amber.testkit.process.ExternalCommand;
import dev.amber.testkit.process.LogPolling;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Runs the real {@code podman} for tests. Containers made through {@link #uniqueName} are removed
 * when the JVM exits, so a failing test leaves nothing running.
 */
public final class Podman {

    /** The image scripts/setup-runtime imports: busybox-static plus the programs of testkit/programs. */
    public static final String TEST_IMAGE = "localhost/amber-test/busybox:latest";

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<String> CONTAINERS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Podman::removeAll, "podman-cleanup"));
    }

    private Podman() {}

    /** Runs {@code podman args...} with the default timeout and returns its stdout. */
    public static String run(String... args) {
        return run(DEFAULT_TIMEOUT, args);
    }

    /** Runs {@code podman args...} and returns its stdout; throws with its stderr when it fails. */
    public static String run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(Arrays.asList(args));
        String path = System.getenv("PATH");
        // scripts/setup-runtime installs CRIU >= 4.2 in /usr/local/sbin; runc finds it on PATH.
        Map<String, String> env = Map.of("PATH", "/usr/local/sbin:/usr/sbin:/sbin" + (path == null ? "" : ":" + path));
        try {
            ExternalCommand.Result result = ExternalCommand.run(command, null, env, timeout);
            if (!result.succeeded()) {
                String stderr = result.stderr().strip();
                throw new PodmanException(String.join(" ", command) + " exited with " + result.exitCode()
                        + (stderr.isEmpty() ? "" : ": " + stderr));
            }
            return result.stdout();
        } catch (ExternalCommand.TimedOut e) {
            throw new PodmanException(e.getMessage(), e);
        } catch (IOException e) {
            throw new PodmanException(
                    "cannot run " + String.join(" ", command) + " (is Podman installed? run scripts/setup-runtime)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * A container name no other test or JVM uses, registered for removal when the JVM exits.
     *
     * @param purpose a short word that shows up in {@code podman ps}
     */
    public static String uniqueName(String purpose) {
        String name = "amber-test-" + purpose + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        CONTAINERS.add(name);
        return name;
    }

    /** Starts a detached container of the test image running {@code command}; returns its name. */
    public static String startTestContainer(String purpose, String... command) {
        String name = uniqueName(purpose);
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name, TEST_IMAGE));
        args.addAll(Arrays.asList(command));
        run(args.toArray(String[]::new));
        return name;
    }

    /** The container's log so far (stdout and stderr as podman logs shows them). */
    public static String logs(String container) {
        return run("logs", container);
    }

    /**
     * Polls the container's log until {@code condition} holds and returns that log.
     *
     * @throws PodmanException when the timeout passes first; the message shows the log's tail
     */
    public static String awaitLogs(String container, Duration timeout, Predicate<String> condition) {
        LogPolling.Result polled;
        try {
            polled = LogPolling.poll(() -> logs(container), condition, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while waiting for the log of " + container, e);
        }
        if (polled.satisfied()) {
            return polled.log();
        }
        String state = inspectQuietly(container, "{{.State.Status}}");
        throw new PodmanException("container " + container + " (" + state + ") did not log what was expected within "
                + timeout + "; log ends with: " + ExternalCommand.tail(polled.log(), 5, " | "));
    }

    /** Removes the container now, running or not; a missing container is fine. */
    public static void remove(String container) {
        try {
            run("rm", "--force", "--time", "0", "--ignore", container);
        } finally {
            CONTAINERS.remove(container);
        }
    }

    /** Registers a container made some other way (e.g. by a restore) for removal at JVM exit. */
    public static void removeOnExit(String container) {
        CONTAINERS.add(container);
    }

    private static void removeAll() {
        if (CONTAINERS.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("rm", "--force", "--time", "0", "--ignore"));
        args.addAll(CONTAINERS);
        try {
            run(args.toArray(String[]::new));
        } catch (PodmanException e) {
            System.err.println("amber testkit: could not remove test containers: " + e.getMessage());
        }
    }

    private static String inspectQuietly(String container, String format) {
        try {
            return run("container", "inspect", "--format", format, container).strip();
        } catch (PodmanException e) {
            return "state unknown";
        }
    }
}

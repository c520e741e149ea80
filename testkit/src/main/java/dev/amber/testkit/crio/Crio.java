package dev.amber.testkit.crio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.testkit.process.Checkout;
import dev.amber.testkit.process.ExternalCommand;
import dev.amber.testkit.process.LogPolling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the standalone CRI-O that {@code scripts/crio} runs, through {@code crictl}, the way a kubelet
 * drives it: pods and containers carry the kubelet's labels and annotations, checkpoints go through the
 * CRI {@code CheckpointContainer} call into a file named as the kubelet names it, and a restore is a
 * {@code CreateContainer} whose image is a checkpoint image. Pods made and images pulled here are removed
 * when the JVM exits, so a failing test leaves nothing running.
 */
public final class Crio {

    /** The image scripts/crio imports into CRI-O's storage from the test rootfs tarball. */
    public static final String TEST_IMAGE = "localhost/amber-test/busybox:latest";
    /** The namespace every test pod claims to belong to. */
    public static final String NAMESPACE = "amber-test";

    /** A machine's first {@code up} builds CRI-O and crictl from source. */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(30);

    private static final Duration CRICTL_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern EXPORT =
            Pattern.compile("(?m)^export (CONTAINER_RUNTIME_ENDPOINT|AMBER_CRICTL)=(\\S+)$");
    /** Where scripts/crio points CRI-O's log_dir; the kubelet makes one directory per pod beneath its own. */
    private static final Path POD_LOGS = Path.of("/var/lib/amber-crio/pod-logs");
    /** scripts/crio makes this cgroup in every hierarchy; pods go beneath it. */
    private static final String CGROUP_PARENT = "/amber-crio";
    /** CRI NamespaceMode.CONTAINER: a pid namespace per container, the kubelet's default. */
    private static final int NAMESPACE_MODE_CONTAINER = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<String> PODS = ConcurrentHashMap.newKeySet();
    private static final Set<String> IMAGES = ConcurrentHashMap.newKeySet();
    private static Crio instance;

    private final String endpoint;
    private final Path crictl;

    private Crio(String endpoint, Path crictl) {
        this.endpoint = endpoint;
        this.crictl = crictl;
    }

    /** Runs {@code scripts/crio up} once per JVM (it reuses a running CRI-O) and returns the driver. */
    public static synchronized Crio up() {
        if (instance == null) {
            Path repository = Checkout.root("scripts/crio");
            String out =
                    run(List.of(repository.resolve("scripts/crio").toString(), "up"), UP_TIMEOUT, "scripts/crio up");
            Map<String, String> exports = new ConcurrentHashMap<>();
            Matcher m = EXPORT.matcher(out);
            while (m.find()) {
                exports.put(m.group(1), m.group(2));
            }
            if (exports.size() != 2) {
                throw new CrioException("scripts/crio up did not print both export lines: " + out.strip());
            }
            instance = new Crio(exports.get("CONTAINER_RUNTIME_ENDPOINT"), Path.of(exports.get("AMBER_CRICTL")));
            Runtime.getRuntime().addShutdownHook(new Thread(instance::removeAll, "crio-cleanup"));
        }
        return instance;
    }

    /** CRI-O's CRI socket. */
    public Path socket() {
        return Path.of(endpoint.replaceFirst("^unix://", ""));
    }

    /** Starts a pod sandbox with the kubelet's labels; its name is unique to this JVM and purpose. */
    public CrioPod runPod(String purpose) {
        String name = "amber-" + purpose + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        String uid = UUID.randomUUID().toString();
        ObjectNode config = JSON.createObjectNode();
        config.putObject("metadata")
                .put("name", name)
                .put("namespace", NAMESPACE)
                .put("uid", uid)
                .put("attempt", 0);
        config.put("hostname", name);
        config.put("log_directory", podLogDirectory(name, uid).toString());
        ObjectNode labels = config.putObject("labels");
        labels.put("io.kubernetes.pod.name", name)
                .put("io.kubernetes.pod.namespace", NAMESPACE)
                .put("io.kubernetes.pod.uid", uid)
                .put("app", purpose);
        config.putObject("annotations")
                .put("kubernetes.io/config.source", "api")
                .put("kubernetes.io/config.seen", Instant.now().toString());
        ObjectNode linux = config.putObject("linux");
        linux.put("cgroup_parent", CGROUP_PARENT + "/pod" + uid);
        linux.putObject("security_context").putObject("namespace_options").put("pid", NAMESPACE_MODE_CONTAINER);
        try {
            Files.createDirectories(podLogDirectory(name, uid));
        } catch (IOException e) {
            throw new CrioException("cannot create the pod's log directory", e);
        }
        Path file = writeConfig("pod", config);
        try {
            String id = crictl("runp", file.toString()).strip();
            PODS.add(id);
            return new CrioPod(id, name, NAMESPACE, uid);
        } finally {
            deleteQuietly(file);
        }
    }

    /**
     * Creates a container as the kubelet does (its labels and annotations, log at
     * {@code <container>/0.log} under the pod's log directory) and returns its id. When {@code image} is a
     * checkpoint image, this is where CRI-O restores.
     *
     * @param command the command line, or empty for the image's own (a checkpoint image has none)
     */
    public String createContainer(CrioPod pod, String name, String image, List<String> command) {
        ObjectNode config = JSON.createObjectNode();
        config.putObject("metadata").put("name", name).put("attempt", 0);
        config.putObject("image").put("image", image);
        if (!command.isEmpty()) {
            ArrayNode argv = config.putArray("command");
            command.forEach(argv::add);
        }
        config.put("log_path", name + "/0.log");
        ObjectNode labels = config.putObject("labels");
        labels.put("io.kubernetes.container.name", name)
                .put("io.kubernetes.pod.name", pod.name())
                .put("io.kubernetes.pod.namespace", pod.namespace())
                .put("io.kubernetes.pod.uid", pod.uid());
        config.putObject("annotations")
                .put("io.kubernetes.container.restartCount", "0")
                .put("io.kubernetes.container.terminationMessagePath", "/dev/termination-log")
                .put("io.kubernetes.container.terminationMessagePolicy", "File")
                .put("io.kubernetes.pod.terminationGracePeriod", "30");
        config.putObject("linux")
                .putObject("security_context")
                .putObject("namespace_options")
                .put("pid", NAMESPACE_MODE_CONTAINER);
        try {
            // The kubelet makes the container's log directory; conmon only creates the file.
            Files.createDirectories(podLogDirectory(pod.name(), pod.uid()).resolve(name));
        } catch (IOException e) {
            throw new CrioException("cannot create the container's log directory", e);
        }
        Path containerFile = writeConfig("container", config);
        Path podFile = writeConfig("pod", podConfig(pod));
        try {
            return crictl("create", pod.id(), containerFile.toString(), podFile.toString())
                    .strip();
        } finally {
            deleteQuietly(containerFile);
            deleteQuietly(podFile);
        }
    }

    /** Creates and starts a container of {@code image}; returns its id. */
    public String runContainer(CrioPod pod, String name, String image, List<String> command) {
        String id = createContainer(pod, name, image, command);
        crictl("start", id);
        return id;
    }

    /**
     * Checkpoints a running container through the CRI (CRI-O leaves it running, as for the kubelet) into
     * {@code directory}, under the kubelet's file name {@code checkpoint-<pod>_<namespace>-<container>-<time>.tar}.
     */
    public Path checkpoint(CrioPod pod, String containerName, String containerId, Path directory) {
        String time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                Instant.now().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
        Path archive = directory.resolve(
                "checkpoint-" + pod.name() + "_" + pod.namespace() + "-" + containerName + "-" + time + ".tar");
        crictl("checkpoint", "--export=" + archive, containerId);
        if (!Files.isRegularFile(archive)) {
            throw new CrioException("crictl checkpoint succeeded but wrote no " + archive);
        }
        return archive;
    }

    /**
     * Pulls an image into CRI-O's storage, as the kubelet does before creating a container of it. The
     * image is removed again when the JVM exits: CRI-O's storage outlives test runs.
     */
    public void pull(String image) {
        IMAGES.add(image);
        crictl("pull", image);
    }

    /** The container's log so far, as {@code crictl logs} shows it (without the CRI log prefixes). */
    public String logs(String containerId) {
        return crictl("logs", containerId);
    }

    /**
     * Polls the container's log until {@code condition} holds and returns that log.
     *
     * @throws CrioException when the timeout passes first; the message shows the log's tail and state
     */
    public String awaitLogs(String containerId, Duration timeout, Predicate<String> condition) {
        LogPolling.Result polled;
        try {
            polled = LogPolling.poll(() -> logs(containerId), condition, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrioException("interrupted while waiting for the log of " + containerId, e);
        }
        if (polled.satisfied()) {
            return polled.log();
        }
        throw new CrioException(
                "container " + containerId + " (" + state(containerId) + ") did not log what was expected within "
                        + timeout + "; log ends with: " + ExternalCommand.tail(polled.log(), 5, " | "));
    }

    /** CONTAINER_RUNNING, CONTAINER_EXITED, ... as CRI-O reports it. */
    public String state(String containerId) {
        try {
            return JSON.readTree(crictl("inspect", "--output", "json", containerId))
                    .path("status")
                    .path("state")
                    .asText();
        } catch (IOException | CrioException e) {
            return "state unknown";
        }
    }

    /** Stops and removes the pod and its containers now. */
    public void removePod(CrioPod pod) {
        try {
            remove(pod.id());
        } finally {
            PODS.remove(pod.id());
        }
    }

    /**
     * Kills the pod's containers first: a shell as pid 1 ignores SIGTERM, and a plain {@code rmp} would
     * wait out the grace period for each.
     */
    private void remove(String podId) {
        for (String container : crictl("ps", "--all", "--quiet", "--pod", podId)
                .lines()
                .filter(l -> !l.isBlank())
                .toList()) {
            crictl("stop", "--timeout", "0", container);
        }
        crictl("rmp", "--force", podId);
    }

    /** Runs {@code crictl args...} against this CRI-O and returns its stdout; throws with its stderr. */
    public String crictl(String... args) {
        List<String> command = new ArrayList<>(List.of(
                crictl.toString(),
                "--config",
                "/dev/null",
                "--runtime-endpoint",
                endpoint,
                "--image-endpoint",
                endpoint,
                "--timeout",
                "60s"));
        command.addAll(Arrays.asList(args));
        return run(command, CRICTL_TIMEOUT, "crictl " + String.join(" ", args));
    }

    private void removeAll() {
        for (String id : PODS) {
            try {
                remove(id);
            } catch (CrioException e) {
                System.err.println("amber testkit: could not remove CRI-O test pod " + id + ": " + e.getMessage());
            }
        }
        for (String image : IMAGES) {
            try {
                crictl("rmi", image);
            } catch (CrioException e) {
                System.err.println("amber testkit: could not remove CRI-O test image " + image + ": " + e.getMessage());
            }
        }
    }

    private static ObjectNode podConfig(CrioPod pod) {
        ObjectNode config = JSON.createObjectNode();
        config.putObject("metadata")
                .put("name", pod.name())
                .put("namespace", pod.namespace())
                .put("uid", pod.uid())
                .put("attempt", 0);
        config.put("log_directory", podLogDirectory(pod.name(), pod.uid()).toString());
        config.putObject("linux").put("cgroup_parent", CGROUP_PARENT + "/pod" + pod.uid());
        return config;
    }

    /** The kubelet's layout: {@code <log root>/<namespace>_<pod>_<uid>}. */
    private static Path podLogDirectory(String pod, String uid) {
        return POD_LOGS.resolve(NAMESPACE + "_" + pod + "_" + uid);
    }

    private static Path writeConfig(String kind, ObjectNode config) {
        try {
            Path file = Files.createTempFile("crio-" + kind + "-", ".json");
            Files.writeString(file, JSON.writeValueAsString(config));
            return file;
        } catch (IOException e) {
            throw new CrioException("cannot write a " + kind + " config for crictl", e);
        }
    }

    private static String run(List<String> command, Duration timeout, String what) {
        try {
            ExternalCommand.Result result = ExternalCommand.run(command, null, Map.of(), timeout);
            if (!result.succeeded()) {
                String stderr = ExternalCommand.tail(result.stderr(), 10, "\n");
                throw new CrioException(
                        what + " exited with " + result.exitCode() + (stderr.isEmpty() ? "" : ": " + stderr));
            }
            return result.stdout();
        } catch (ExternalCommand.TimedOut e) {
            throw new CrioException(what + " timed out after " + timeout);
        } catch (IOException e) {
            throw new CrioException("cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrioException("interrupted while running " + what, e);
        }
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

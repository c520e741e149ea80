package dev.amber.testkit.crio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real CRI-O checkpoint archive, made once per JVM the way the kubelet makes one: a counter container
 * in a pod of the test CRI-O, checkpointed through the CRI into {@code checkpoint-<pod>_<ns>-<container>-<time>.tar}.
 * Before counting, the container deletes one image file, changes another and writes a new one, so
 * {@code deleted.files} and {@code rootfs-diff.tar} have content.
 */
public final class CrioCheckpoints {

    /** The counter's container name. */
    public static final String CONTAINER = "counter";
    /** The image file the counter deletes before it starts counting. */
    public static final String DELETED_FILE = "/etc/amber-test/delete-me";
    /** The file the counter writes before it starts counting. */
    public static final String WRITTEN_FILE = "/root/amber-new-file";
    /**
     * Prints an increasing count and a token drawn once at start, five times a second: a restored process
     * goes on with the same token, a restarted one would draw a new one and start at 0.
     */
    public static final String COUNTER_SCRIPT = "rm " + DELETED_FILE + "; echo changed >> /etc/amber-test/change-me; "
            + "echo new > " + WRITTEN_FILE + "; "
            + "token=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \\n'); i=0; "
            + "while :; do echo \"count $i token $token\"; i=$((i+1)); sleep 0.2; done";
    /** The entry CRI-O stores the container's log under, named after the annotation that held its path. */
    public static final String LOG_ENTRY = "io.kubernetes.cri-o.LogPath";

    private static final Pattern COUNT_LINE = Pattern.compile("(?m)count (\\d+) token ([0-9a-f]+)$");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static Counter counter;

    private CrioCheckpoints() {}

    /**
     * A checkpoint of the counter and what it had logged by then.
     *
     * @param pod the source pod (already removed: the archive is all that is left of it)
     * @param token the token the counter drew at start
     * @param lastLogged the last count in the archive's copy of the log
     */
    public record Counter(Path archive, CrioPod pod, String containerId, String token, long lastLogged) {}

    /** One line of the counter's output. */
    public record Count(long value, String token) {}

    /** The counter's checkpoint, made on first use in this JVM. */
    public static synchronized Counter counter() {
        if (counter == null) {
            Crio crio = Crio.up();
            CrioPod pod = crio.runPod("counter");
            try {
                String id = crio.runContainer(pod, CONTAINER, Crio.TEST_IMAGE, List.of("sh", "-c", COUNTER_SCRIPT));
                String log = crio.awaitLogs(id, READY_TIMEOUT, l -> counts(l).size() >= 5);
                Path directory = Files.createTempDirectory("amber-crio-checkpoints-");
                directory.toFile().deleteOnExit();
                Path archive = crio.checkpoint(pod, CONTAINER, id, directory);
                archive.toFile().deleteOnExit();
                counter = new Counter(archive, pod, id, counts(log).getFirst().token(), lastArchivedCount(archive));
            } catch (IOException e) {
                throw new CrioException("cannot make a directory for the CRI-O checkpoint", e);
            } finally {
                crio.removePod(pod);
            }
        }
        return counter;
    }

    /** Every count line in a log, in order. */
    public static List<Count> counts(String log) {
        Matcher m = COUNT_LINE.matcher(log);
        List<Count> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Count(Long.parseLong(m.group(1)), m.group(2)));
        }
        return out;
    }

    /** The last count in the container log that CRI-O put into a checkpoint archive of the counter. */
    public static long lastArchivedCount(Path archive) {
        List<Count> archived = counts(archivedLog(archive));
        if (archived.isEmpty()) {
            throw new CrioException("the archive's " + LOG_ENTRY + " holds no count: " + archive);
        }
        return archived.getLast().value();
    }

    /** The container log CRI-O put into the archive (CRI log format: time, stream, tag, line). */
    private static String archivedLog(Path archive) {
        try {
            Process tar = new ProcessBuilder("tar", "-xOf", archive.toString(), LOG_ENTRY)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String log = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new CrioException("the CRI-O archive " + archive + " has no " + LOG_ENTRY);
            }
            return log;
        } catch (IOException e) {
            throw new CrioException("cannot read " + LOG_ENTRY + " from " + archive, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrioException("interrupted while reading " + archive, e);
        }
    }
}

package dev.amber.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.image.registry.RegistryOptions;
import dev.amber.testkit.crio.Crio;
import dev.amber.testkit.crio.CrioCheckpoints;
import dev.amber.testkit.crio.CrioCheckpoints.Count;
import dev.amber.testkit.crio.CrioPod;
import dev.amber.testkit.registry.LocalRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that a real CRI-O wrote for a CRI checkpoint, pushed by amber as a checkpoint image and
 * restored by CRI-O the way a kubelet asks for it: pull the image, then CreateContainer with the
 * checkpoint image as the container's image (CRI-O restores when the manifest carries
 * {@code io.kubernetes.cri-o.annotations.checkpoint.name}). The counter must go on with the token it drew
 * before the checkpoint, not start again.
 *
 * <p>The registry is a private one on a free port rather than the cluster's 127.0.0.1:5000, which
 * goes away whenever a cluster test takes the cluster down; CRI-O speaks plain HTTP to every registry
 * on 127.0.0.0/8 by itself.
 */
@Tag("crio")
@Tag("criu")
@Tag("registry")
class CrioRestoreTest {
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);
    private static final CheckpointImages IMAGES = CheckpointImages.standard(RegistryOptions.defaults().withInsecure(true));
    private static LocalRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void crioRestoresTheCounterFromTheImageAmberPushed() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        String ref = registry.hostPort() + "/ckpt/crio-counter:v1";
        PushResult pushed = IMAGES.push(counter.archive(), ImageReference.parse(ref), PushOptions.defaults());
        assertThat(IMAGES.inspect(ImageReference.parse(ref)).container()).isEqualTo(CrioCheckpoints.CONTAINER);

        Crio crio = Crio.up();
        crio.pull(ref);
        assertRestoredCounterContinues(crio, counter, ref + "@" + pushed.manifestDigest(), ref);
    }

    @Test
    void crioRestoresTheArchiveAmberPulledBack() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/crio-counter-pulled:v1");
        IMAGES.push(counter.archive(), ref, PushOptions.defaults());
        Path pulled = IMAGES.pull(ref, dir, ProgressListener.NONE).archive();
        // CRI-O also restores when the container's image is the path of a checkpoint archive.
        assertRestoredCounterContinues(Crio.up(), counter, pulled.toString(), pulled.toString());
    }

    /**
     * CRI-O puts the checkpointed log back, so the restored container's log is the source's log up to the
     * checkpoint and then what the restored process printed: one token throughout (a fresh start would
     * draw another and begin at 0 again), counting on past the checkpoint without a gap. The count
     * printed just as the checkpoint was taken may show twice: CRI-O copies the log after the process
     * resumed, so the archived log can already hold the line the restored process prints first.
     */
    private static void assertRestoredCounterContinues(Crio crio, CrioCheckpoints.Counter counter, String what, String image) {
        CrioPod pod = crio.runPod("restore");
        try {
            String id = crio.runContainer(pod, CrioCheckpoints.CONTAINER, image, List.of());
            String log = crio.awaitLogs(id, RESTORE_TIMEOUT, l -> {
                List<Count> counts = CrioCheckpoints.counts(l);
                return !counts.isEmpty() && counts.getLast().value() >= counter.lastLogged() + 5;
            });
            List<Count> counts = CrioCheckpoints.counts(log);
            assertThat(counts).as("restored from %s", what).extracting(Count::token).containsOnly(counter.token());
            assertThat(counts.getFirst().value()).as("the log starts with the source's first count").isZero();
            int repeats = 0;
            for (int i = 1; i < counts.size(); i++) {
                long previous = counts.get(i - 1).value();
                long value = counts.get(i).value();
                if (value == previous && previous == counter.lastLogged()) {
                    repeats++;
                } else {
                    assertThat(value).as("count after %d in %s", previous, counts).isEqualTo(previous + 1);
                }
            }
            assertThat(repeats).as("repeated counts").isLessThanOrEqualTo(1);
        } finally {
            crio.removePod(pod);
        }
    }
}

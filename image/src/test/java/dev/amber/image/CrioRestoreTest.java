package dev.amber.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.archive.Engine;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.testkit.crio.Crio;
import dev.amber.testkit.crio.CrioCheckpoints;
import dev.amber.testkit.crio.CrioCheckpoints.Count;
import dev.amber.testkit.crio.CrioPod;
import dev.amber.testkit.registry.LocalRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
    private static final CheckpointImages IMAGES =
            CheckpointImages.standard(RegistryOptions.defaults().withInsecure(true));
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
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/crio-counter:v1");
        IMAGES.push(counter.archive(), ref, PushOptions.defaults());
        CheckpointImageInfo info = IMAGES.inspect(ref);
        assertThat(info.container()).isEqualTo(CrioCheckpoints.CONTAINER);
        assertThat(info.engine()).isEqualTo(Engine.CRIO);

        Crio crio = Crio.up();
        crio.pull(ref.toString());
        CrioPod pod = crio.runPod("restore");
        try {
            String id = crio.runContainer(pod, CrioCheckpoints.CONTAINER, ref.toString(), List.of());
            assertCounterContinues(crio, id, counter.token(), Set.of(counter.lastLogged()));
        } finally {
            crio.removePod(pod);
        }
    }

    @Test
    void crioRestoresTheArchiveAmberPulledBack() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/ckpt/crio-counter-pulled:v1");
        IMAGES.push(counter.archive(), ref, PushOptions.defaults());
        Path pulled = IMAGES.pull(ref, dir, ProgressListener.NONE).archive();

        // CRI-O also restores when the container's image is the path of a checkpoint archive.
        Crio crio = Crio.up();
        CrioPod pod = crio.runPod("restore-pulled");
        try {
            String id = crio.runContainer(pod, CrioCheckpoints.CONTAINER, pulled.toString(), List.of());
            assertCounterContinues(crio, id, counter.token(), Set.of(counter.lastLogged()));
        } finally {
            crio.removePod(pod);
        }
    }

    /** A workload that moves twice: the restored container is checkpointed, pushed and restored again. */
    @Test
    void aRestoredContainerIsCheckpointedAndRestoredAgain() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        ImageReference first = ImageReference.parse(registry.hostPort() + "/ckpt/crio-counter-hop:1");
        IMAGES.push(counter.archive(), first, PushOptions.defaults());
        Crio crio = Crio.up();
        crio.pull(first.toString());
        CrioPod hop1 = crio.runPod("hop1");
        Path second;
        try {
            String id = crio.runContainer(hop1, CrioCheckpoints.CONTAINER, first.toString(), List.of());
            assertCounterContinues(crio, id, counter.token(), Set.of(counter.lastLogged()));
            second = crio.checkpoint(hop1, CrioCheckpoints.CONTAINER, id, dir);
        } finally {
            crio.removePod(hop1);
        }
        long secondLast = CrioCheckpoints.lastArchivedCount(second);
        assertThat(secondLast).isGreaterThan(counter.lastLogged());

        ImageReference again = ImageReference.parse(registry.hostPort() + "/ckpt/crio-counter-hop:2");
        IMAGES.push(second, again, PushOptions.defaults());
        crio.pull(again.toString());
        CrioPod hop2 = crio.runPod("hop2");
        try {
            String id = crio.runContainer(hop2, CrioCheckpoints.CONTAINER, again.toString(), List.of());
            assertCounterContinues(crio, id, counter.token(), Set.of(counter.lastLogged(), secondLast));
        } finally {
            crio.removePod(hop2);
        }
    }

    /**
     * CRI-O puts the checkpointed log back, so a restored container's log is the source's log up to the
     * checkpoint and then what the restored process printed: one token throughout (a fresh start would
     * draw another and begin at 0 again), counting on past the checkpoint without a gap. A count printed
     * just as a checkpoint was taken may show twice: CRI-O copies the log after the process resumed, so
     * the archived log can already hold the line the restored process prints first.
     *
     * @param seams the last archived count of each checkpoint the log went through
     */
    private static void assertCounterContinues(Crio crio, String container, String token, Set<Long> seams) {
        long lastSeam = seams.stream().mapToLong(Long::longValue).max().orElseThrow();
        String log = crio.awaitLogs(container, RESTORE_TIMEOUT, l -> {
            List<Count> counts = CrioCheckpoints.counts(l);
            return !counts.isEmpty() && counts.getLast().value() >= lastSeam + 5;
        });
        List<Count> counts = CrioCheckpoints.counts(log);
        assertThat(counts).extracting(Count::token).containsOnly(token);
        assertThat(counts.getFirst().value())
                .as("the log starts with the source's first count")
                .isZero();
        int repeats = 0;
        for (int i = 1; i < counts.size(); i++) {
            long previous = counts.get(i - 1).value();
            long value = counts.get(i).value();
            if (value == previous && seams.contains(value)) {
                repeats++;
            } else {
                assertThat(value).as("count after %d in %s", previous, counts).isEqualTo(previous + 1);
            }
        }
        assertThat(repeats).as("counts repeated at a checkpoint").isLessThanOrEqualTo(seams.size());
    }
}

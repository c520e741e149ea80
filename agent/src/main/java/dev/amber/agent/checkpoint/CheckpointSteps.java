package dev.amber.agent.checkpoint;

import dev.amber.agent.export.TargetExporter;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.api.v1alpha1.DumpStatistics;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.errors.OneLine;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.kube.agent.CheckpointOperation.State;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import dev.amber.kube.kubelet.KubeletCheckpointException;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one checkpoint operation does, in order: the kubelet's checkpoint call; the archive's size and CRIU's dump
 * statistics, read from the file the kubelet wrote (seen through the agent's view of the checkpoint directory);
 * then, if asked, the push. Each step's failure ends the operation FAILED with its reason, keeping what the steps
 * before it found: an export that fails leaves the archive where the kubelet put it, and says where that is.
 *
 * <p>Nothing here deletes or moves an archive, and no step is retried here: the kubelet client retries what is
 * safe to retry (not a timeout, which may have frozen the container once already), the registry client retries
 * transfers. Statistics are informative: an archive whose {@code stats-dump} cannot be read is still a checkpoint.
 */
final class CheckpointSteps {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSteps.class);

    private final KubeletCheckpointClient kubelet;
    private final ArchiveFiles files;
    private final TargetExporter exporter;
    private final Clock clock;

    CheckpointSteps(KubeletCheckpointClient kubelet, ArchiveFiles files, TargetExporter exporter, Clock clock) {
        this.kubelet = kubelet;
        this.files = files;
        this.exporter = exporter;
        this.clock = clock;
    }

    /**
     * @param progress hears the operation, still RUNNING, once the archive is written and before the push
     * @return the finished operation, SUCCEEDED or FAILED
     */
    CheckpointOperation run(CheckpointRequest request, Consumer<CheckpointOperation> progress) {
        String id = request.id();
        String what = request.namespace() + "/" + request.pod() + "/" + request.container();
        List<String> written;
        try {
            written = kubelet.checkpoint(
                    request.namespace(),
                    request.pod(),
                    request.container(),
                    Duration.ofSeconds(request.timeoutSeconds()));
        } catch (IOException e) {
            return new CheckpointOperation(
                    id, State.FAILED, null, null, null, null, null, kubeletReason(e), OneLine.of(e));
        }
        String checkpointedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        String archivePath = written.get(0);
        if (written.size() > 1) {
            LOG.info("checkpoint {} of {}: the kubelet wrote {} archives, reporting the first", id, what, written);
        }
        Path local;
        long size;
        try {
            local = localView(archivePath);
            size = Files.size(local);
        } catch (IOException | InvalidPathException e) {
            return new CheckpointOperation(
                    id,
                    State.FAILED,
                    archivePath,
                    null,
                    null,
                    null,
                    checkpointedAt,
                    CheckpointOperations.ARCHIVE_NOT_FOUND,
                    "the kubelet wrote " + archivePath + ", which the agent does not find in " + files.directory()
                            + " (is the agent's --dir the kubelet's checkpoint directory?): " + OneLine.of(e));
        }
        DumpStatistics statistics = statistics(local);
        if (request.export() == null) {
            return new CheckpointOperation(
                    id,
                    State.SUCCEEDED,
                    archivePath,
                    size,
                    null,
                    statistics,
                    checkpointedAt,
                    null,
                    "checkpoint of " + what + " written to " + archivePath);
        }
        String reference = request.export().reference();
        progress.accept(new CheckpointOperation(
                id,
                State.RUNNING,
                archivePath,
                size,
                null,
                statistics,
                checkpointedAt,
                null,
                "pushing " + archivePath + " to " + reference));
        try {
            String image = exporter.export(local, request.export());
            return new CheckpointOperation(
                    id,
                    State.SUCCEEDED,
                    archivePath,
                    size,
                    image,
                    statistics,
                    checkpointedAt,
                    null,
                    "checkpoint of " + what + " pushed to " + image);
        } catch (IOException e) {
            return new CheckpointOperation(
                    id,
                    State.FAILED,
                    archivePath,
                    size,
                    null,
                    statistics,
                    checkpointedAt,
                    Thread.currentThread().isInterrupted()
                            ? CheckpointOperations.AGENT_STOPPING
                            : CheckpointOperations.EXPORT_FAILED,
                    "export of " + archivePath + " to " + reference + " failed (the archive stays on the node): "
                            + OneLine.of(e));
        }
    }

    /**
     * The kubelet names the archive by its path on the node; the agent sees the same directory mounted where its
     * {@code --dir} says, which need not be the same path. The directory is flat, so the file name is the link.
     */
    private Path localView(String archivePath) throws IOException {
        Path name = Path.of(archivePath).getFileName();
        if (name == null) {
            throw new IOException("'" + archivePath + "' names no file");
        }
        try {
            return files.resolve(name.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static DumpStatistics statistics(Path archive) {
        try {
            // SIZES makes the pass read to the end: without it the reader stops once config.dump, spec.dump and the
            // images are behind it, before a stats-dump that comes after them (containerd writes the top of the
            // archive in name order). On the kubelet's uncompressed tars that costs tar headers, not data.
            var read = CheckpointReader.read(archive, ReadPart.of(ReadPart.STATISTICS, ReadPart.SIZES))
                    .statistics();
            if (read == null) {
                return null;
            }
            DumpStatistics out = new DumpStatistics();
            out.freezingTimeMicros = read.freezingTime();
            out.frozenTimeMicros = read.frozenTime();
            out.memdumpTimeMicros = read.memdumpTime();
            out.memwriteTimeMicros = read.memwriteTime();
            out.pagesScanned = read.pagesScanned();
            out.pagesSkippedParent = read.pagesSkippedParent();
            out.pagesWritten = read.pagesWritten();
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read CRIU's statistics from {}: {}", archive, OneLine.of(e));
            return null;
        }
    }

    /** The reason word for a kubelet call that failed, from what the kubelet client found out. */
    private static String kubeletReason(IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            return CheckpointOperations.AGENT_STOPPING;
        }
        if (!(e instanceof KubeletCheckpointException failure)) {
            return CheckpointOperations.CHECKPOINT_FAILED;
        }
        if (failure.getCause() instanceof HttpTimeoutException
                && !(failure.getCause() instanceof HttpConnectTimeoutException)) {
            return CheckpointOperations.KUBELET_TIMEOUT;
        }
        int status = failure.status();
        if (status == 0) {
            return CheckpointOperations.KUBELET_UNREACHABLE;
        }
        if (status >= 400 && status < 500) {
            return CheckpointOperations.KUBELET_REFUSED;
        }
        return CheckpointOperations.CHECKPOINT_FAILED;
    }
}

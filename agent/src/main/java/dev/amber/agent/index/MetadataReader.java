package dev.amber.agent.index;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.retention.ArchiveRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the identity of an archive from its metadata entries only ({@code config.dump}, {@code spec.dump}
 * and the kubelet file name), never its memory pages.
 */
public final class MetadataReader {
    private MetadataReader() {}

    /**
     * @throws ArchiveException when the file is not (or not yet) a readable checkpoint
     */
    public static ArchiveRecord read(Path file, long size, long modifiedMillis) throws IOException {
        Checkpoint checkpoint = CheckpointReader.read(file, ReadPart.of());
        ContainerInfo c = checkpoint.container();
        Map<String, String> labels = new LinkedHashMap<>(c.labels() == null ? Map.of() : c.labels());
        return new ArchiveRecord(
                file.getFileName().toString(),
                size,
                modifiedMillis,
                c.namespace(),
                c.pod(),
                c.podUid(),
                c.name(),
                c.engine() == null ? null : c.engine().name(),
                c.checkpointed(),
                labels,
                null,
                null,
                false);
    }
}

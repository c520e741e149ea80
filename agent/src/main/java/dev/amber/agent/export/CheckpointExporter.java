package dev.amber.agent.export;

import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pushes an archive to a registry as a checkpoint image. The seam between retention and the image
 * library: retention deletes an archive the export rule covers only after {@link #export} returned,
 * which it may do only once the registry holds the image under the returned digest.
 */
public interface CheckpointExporter {
    /** For agents without a registry: any export fails, so covered archives are kept. */
    CheckpointExporter NONE = (archive, record, rule) -> {
        throw new IOException("no exporter is configured for " + rule.repository());
    };

    /**
     * @return {@code repository@digest} of the verified image
     * @throws IOException when the push failed or could not be verified; the archive is then kept
     */
    String export(Path archive, ArchiveRecord record, RetentionPolicy.Export rule) throws IOException;
}

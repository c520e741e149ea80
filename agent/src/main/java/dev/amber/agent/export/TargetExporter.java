package dev.amber.agent.export;

import dev.amber.kube.agent.CheckpointRequest.ExportTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pushes an archive where a checkpoint request says, as a checkpoint image. The seam between the agent's
 * checkpoint operations and the image library, so that operations are tested without a registry.
 */
@FunctionalInterface
public interface TargetExporter {
    /**
     * @return {@code registry/repository@sha256:...} of the verified image
     * @throws IOException when the push failed or could not be verified; the archive is left as it is
     */
    String export(Path archive, ExportTarget target) throws IOException;

    /**
     * What makes {@code target} unusable before any work is done (a malformed reference, credentials that are not
     * a docker config), on one line that quotes no credential; empty when it can be tried.
     */
    default Optional<String> problem(ExportTarget target) {
        return Optional.empty();
    }
}

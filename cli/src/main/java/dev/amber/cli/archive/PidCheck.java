package dev.amber.cli.archive;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.Checkpoint;
import java.nio.file.Path;

/** The one error for a --pid/-p that names no process of the checkpoint, worded as checkpointctl's. */
final class PidCheck {
    private PidCheck() {}

    static void require(Checkpoint c, Path archive, int pid) throws ArchiveException {
        if (c.processTree() == null || c.processTree().find(pid) == null) {
            throw new ArchiveException(
                    archive + ": no process with PID " + pid + " (use `inspect --ps-tree` to view all PIDs)");
        }
    }
}

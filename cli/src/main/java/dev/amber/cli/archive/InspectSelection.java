package dev.amber.cli.archive;

import dev.amber.archive.ReadPart;
import java.util.EnumSet;
import java.util.Set;

/** Which sections {@code inspect} shows; decides which parts of the archive are read at all. */
record InspectSelection(
        boolean psTree,
        boolean psTreeCmd,
        boolean psTreeEnv,
        boolean files,
        boolean sockets,
        boolean mounts,
        boolean stats,
        boolean metadata,
        boolean rootfsDiff,
        Integer pid) {

    static InspectSelection none() {
        return new InspectSelection(false, false, false, false, false, false, false, false, false, null);
    }

    Set<ReadPart> readParts() {
        Set<ReadPart> parts = EnumSet.of(ReadPart.SIZES);
        if (psTree || psTreeCmd || psTreeEnv || pid != null) {
            parts.add(ReadPart.PROCESSES);
        }
        if (psTreeCmd) {
            parts.add(ReadPart.COMMAND_LINES);
        }
        if (psTreeEnv) {
            parts.add(ReadPart.ENVIRONMENT);
        }
        if (files) {
            parts.add(ReadPart.FILES);
            parts.add(ReadPart.PROCESSES);
        }
        if (sockets) {
            parts.add(ReadPart.SOCKETS);
            parts.add(ReadPart.PROCESSES);
        }
        if (stats) {
            parts.add(ReadPart.STATISTICS);
        }
        if (rootfsDiff) {
            parts.add(ReadPart.ROOTFS_DIFF);
        }
        return parts;
    }
}

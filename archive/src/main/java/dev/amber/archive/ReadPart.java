package dev.amber.archive;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** A part of a checkpoint a command can ask for; everything else is skipped during the pass. */
public enum ReadPart {
    /** Sizes of the checkpoint's parts: needs a full pass over a compressed archive. */
    SIZES,
    PROCESSES,
    COMMAND_LINES,
    ENVIRONMENT,
    FILES,
    SOCKETS,
    STATISTICS,
    ROOTFS_DIFF,
    MEMORY_MAPS;

    /** Parts that are decoded from the CRIU images under {@code checkpoint/}. */
    static final Set<ReadPart> FROM_IMAGES =
            EnumSet.of(PROCESSES, COMMAND_LINES, ENVIRONMENT, FILES, SOCKETS, MEMORY_MAPS);

    public static Set<ReadPart> of(ReadPart... parts) {
        Set<ReadPart> set = EnumSet.noneOf(ReadPart.class);
        Collections.addAll(set, parts); // Set.of would throw on a part named twice
        return set;
    }
}

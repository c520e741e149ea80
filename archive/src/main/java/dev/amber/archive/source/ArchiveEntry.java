package dev.amber.archive.source;

import java.io.IOException;
import java.io.InputStream;

/** One file of a checkpoint, as a visitor sees it during a pass over the archive. */
public interface ArchiveEntry {
    /** Path inside the checkpoint, e.g. {@code checkpoint/pages-1.img}. */
    String name();

    long size();

    boolean isRegularFile();

    /** Modification time recorded for the entry (seconds since the epoch), 0 when unknown. */
    long modifiedEpochSeconds();

    /**
     * The entry's bytes. For a streamed (compressed) archive this is valid only inside the visitor call
     * that received the entry.
     */
    InputStream open() throws IOException;

    /** Random access to the bytes, or null when the archive can only be streamed. Valid until the source closes. */
    RandomAccessData randomAccess() throws IOException;
}

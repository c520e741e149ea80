package dev.amber.archive.source;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.ArchiveFormat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The entries of a checkpoint in whatever form it is stored. A pass visits entries in storage order, once:
 * for a compressed archive that is the single decompressing pass a command is allowed.
 */
public interface ArchiveSource extends Closeable {

    /** Receives the entries of a pass; returns false to end the pass early. */
    @FunctionalInterface
    interface EntryVisitor {
        boolean visit(ArchiveEntry entry) throws IOException;
    }

    Path path();

    ArchiveFormat format();

    /** Visits entries in storage order until the visitor returns false or the archive ends. */
    void forEach(EntryVisitor visitor) throws IOException;

    /** Opens the checkpoint at {@code path}, choosing the reader from the content, not the file name. */
    static ArchiveSource open(Path path) throws IOException {
        ArchiveFormat format = ArchiveFormat.detect(path);
        return switch (format) {
            case DIRECTORY -> new DirectorySource(path);
            case TAR -> SeekableTarSource.open(path);
            case TAR_ZSTD, TAR_GZIP -> new StreamingTarSource(path, format);
        };
    }

    /** Adds the archive's path to a failure so the one-line error says which archive is bad. */
    static ArchiveException failure(Path path, IOException cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof ArchiveException && message.startsWith(path.toString())) {
            return (ArchiveException) cause;
        }
        return new ArchiveException(path + ": " + message, cause);
    }
}

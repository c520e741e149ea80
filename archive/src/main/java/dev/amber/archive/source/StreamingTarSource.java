package dev.amber.archive.source;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.amber.archive.ArchiveException;
import dev.amber.archive.ArchiveFormat;
import dev.amber.archive.tar.TarEntry;
import dev.amber.archive.tar.TarInputReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A compressed tar, read in one decompressing pass. Entries cannot be revisited: a visitor that needs
 * an entry later must keep or spill it while it is being visited.
 */
final class StreamingTarSource implements ArchiveSource {
    private static final int BUFFER = 1 << 20;

    private final Path path;
    private final ArchiveFormat format;

    StreamingTarSource(Path path, ArchiveFormat format) {
        this.path = path;
        this.format = format;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public ArchiveFormat format() {
        return format;
    }

    @Override
    public void forEach(EntryVisitor visitor) throws IOException {
        try (InputStream raw = Files.newInputStream(path);
                InputStream decompressed = decompress(raw)) {
            TarInputReader tar = new TarInputReader(decompressed);
            for (TarEntry e = tar.next(); e != null; e = tar.next()) {
                boolean more = visitor.visit(new TarMember(e, tar::entryStream, null));
                if (!more) {
                    return;
                }
            }
        } catch (ArchiveException e) {
            throw ArchiveSource.failure(path, e);
        } catch (IOException e) {
            // Decompressors report corruption as plain IOExceptions; say what it means for the user.
            String kind = format == ArchiveFormat.TAR_ZSTD ? "zstd" : "gzip";
            throw new ArchiveException(path + ": corrupt or truncated " + kind + " data (" + e.getMessage() + ")", e);
        }
    }

    private InputStream decompress(InputStream raw) throws IOException {
        return switch (format) {
            // zstd-jni buffers its input itself; an extra BufferedInputStream would only add a copy.
            case TAR_ZSTD -> new ZstdInputStreamNoFinalizer(raw);
            case TAR_GZIP -> new GZIPInputStream(new BufferedInputStream(raw, BUFFER), BUFFER);
            default -> throw new IllegalStateException("not a compressed format: " + format);
        };
    }

    @Override
    public void close() {
        // Each pass opens and closes its own stream.
    }
}

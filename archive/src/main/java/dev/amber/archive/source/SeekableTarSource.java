package dev.amber.archive.source;

import dev.amber.archive.ArchiveFormat;
import dev.amber.archive.tar.TarEntry;
import dev.amber.archive.tar.TarIndex;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** An uncompressed tar: headers are indexed once by seeking, then any entry is read at its offset. */
final class SeekableTarSource implements ArchiveSource {
    private final Path path;
    private final FileChannel channel;
    private final List<TarEntry> entries;

    private SeekableTarSource(Path path, FileChannel channel, List<TarEntry> entries) {
        this.path = path;
        this.channel = channel;
        this.entries = entries;
    }

    static SeekableTarSource open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new SeekableTarSource(path, channel, TarIndex.scan(channel));
        } catch (IOException e) {
            channel.close();
            throw ArchiveSource.failure(path, e);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public ArchiveFormat format() {
        return ArchiveFormat.TAR;
    }

    @Override
    public void forEach(EntryVisitor visitor) throws IOException {
        for (TarEntry e : entries) {
            ChannelSlice slice = new ChannelSlice(channel, e.dataOffset(), e.size());
            boolean more = visitor.visit(new TarMember(e, slice::stream, slice));
            if (!more) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

package dev.amber.archive.source;

import dev.amber.archive.ArchiveFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** An already-extracted checkpoint directory. Symbolic links are listed but never followed. */
final class DirectorySource implements ArchiveSource {
    private final Path root;
    private final List<FileChannel> opened = new ArrayList<>();

    DirectorySource(Path root) {
        this.root = root;
    }

    @Override
    public Path path() {
        return root;
    }

    @Override
    public ArchiveFormat format() {
        return ArchiveFormat.DIRECTORY;
    }

    @Override
    public void forEach(EntryVisitor visitor) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        for (Path file : files) {
            String name = root.relativize(file).toString().replace('\\', '/');
            boolean regular = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
            long size = regular ? Files.size(file) : 0;
            long mtime =
                    Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
            boolean more = visitor.visit(new ArchiveEntry() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public long size() {
                    return size;
                }

                @Override
                public boolean isRegularFile() {
                    return regular;
                }

                @Override
                public long modifiedEpochSeconds() {
                    return mtime;
                }

                @Override
                public InputStream open() throws IOException {
                    return regular
                            ? Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)
                            : InputStream.nullInputStream();
                }

                @Override
                public RandomAccessData randomAccess() throws IOException {
                    if (!regular) {
                        return null;
                    }
                    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                    opened.add(channel);
                    return new ChannelSlice(channel, 0, size);
                }
            });
            if (!more) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (FileChannel c : opened) {
            c.close();
        }
        opened.clear();
    }
}

package dev.amber.agent.index;

import dev.amber.agent.store.ArchiveFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Brings the index in line with the directory: archives whose size and modification time are unchanged
 * are not read again; new or changed ones are read (metadata only); vanished ones are dropped.
 */
public final class DirectoryScanner {
    /** What a scan did. */
    public record Result(int archives, int read, int unchanged, int removed, int unreadable, int narrowedModes) {}

    private final ArchiveFiles files;
    private final ArchiveIndex index;
    private final UnaryOperator<ArchiveRecord> enrich;

    /**
     * @param enrich adds what the cluster knows (pod labels) to a freshly read record
     */
    public DirectoryScanner(ArchiveFiles files, ArchiveIndex index, UnaryOperator<ArchiveRecord> enrich) {
        this.files = files;
        this.index = index;
        this.enrich = enrich;
    }

    public Result scan() throws IOException {
        Path dir = files.directory();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "checkpoint directory does not exist");
        }
        Set<String> names = new HashSet<>();
        Set<String> pins = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                String pinned = ArchiveFiles.pinnedArchive(name);
                if (pinned != null) {
                    pins.add(pinned);
                } else if (ArchiveFiles.isArchiveName(name)) {
                    names.add(name);
                }
            }
        }
        int read = 0;
        int unchanged = 0;
        int unreadable = 0;
        int narrowed = 0;
        for (String name : new java.util.ArrayList<>(names)) {
            Path p = dir.resolve(name);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (!attrs.isRegularFile()) {
                continue;
            }
            long size = attrs.size();
            long mtime = attrs.lastModifiedTime().toMillis();
            ArchiveRecord known = index.get(name);
            if (known != null && known.sameFileAs(size, mtime)) {
                unchanged++;
                index.put(known.withPinned(pins.contains(name)));
                continue;
            }
            ArchiveRecord fresh;
            try {
                fresh = readOne(p, size, mtime);
            } catch (NoSuchFileException e) {
                names.remove(name);
                continue;
            }
            if (!fresh.readable()) {
                unreadable++;
            }
            read++;
            if (ArchiveFiles.restrictToOwner(p)) {
                narrowed++;
            }
            index.put(fresh.withPinned(pins.contains(name)));
        }
        int removed = 0;
        for (ArchiveRecord r : index.all()) {
            if (!names.contains(r.fileName())) {
                index.remove(r.fileName());
                removed++;
            }
        }
        index.commit();
        return new Result(names.size(), read, unchanged, removed, unreadable, narrowed);
    }

    /** Reads one archive; a file that is not a checkpoint becomes an unreadable record, never an exception. */
    public ArchiveRecord readOne(Path p, long size, long mtime) throws IOException {
        try {
            return enrich.apply(MetadataReader.read(p, size, mtime));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // Not a checkpoint, or truncated: listed, never deleted, read again once its size or time changes.
            return ArchiveRecord.unreadable(p.getFileName().toString(), size, mtime, oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
    }
}

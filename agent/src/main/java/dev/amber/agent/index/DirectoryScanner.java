package dev.amber.agent.index;

import dev.amber.agent.store.ArchiveFiles;
import dev.amber.retention.ArchiveRecord;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Brings the index in line with the directory: archives whose size and modification time are unchanged
 * are not read again; new or changed ones are read (metadata only); vanished ones are dropped.
 */
public final class DirectoryScanner {
    /** What a scan did. */
    public record Result(
            int archives,
            int read,
            int unchanged,
            int removed,
            int unreadable,
            int narrowedModes,
            int finishedDeletions) {}

    private final ArchiveFiles files;
    private final ArchiveIndex index;
    private final UnaryOperator<ArchiveRecord> enrich;
    private final boolean finishInterruptedDeletions;

    /** A scanner that also finishes deletions a crash interrupted (see {@link ArchiveFiles#delete}). */
    public DirectoryScanner(ArchiveFiles files, ArchiveIndex index, UnaryOperator<ArchiveRecord> enrich) {
        this(files, index, enrich, true);
    }

    /**
     * @param enrich adds what the cluster knows (pod labels) to a freshly read record
     * @param finishInterruptedDeletions unlink {@code *.deleting} files met in the listing (false in a dry run)
     */
    public DirectoryScanner(
            ArchiveFiles files,
            ArchiveIndex index,
            UnaryOperator<ArchiveRecord> enrich,
            boolean finishInterruptedDeletions) {
        this.files = files;
        this.index = index;
        this.enrich = enrich;
        this.finishInterruptedDeletions = finishInterruptedDeletions;
    }

    public Result scan() throws IOException {
        Path dir = files.directory();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "checkpoint directory does not exist");
        }
        Set<String> names = new HashSet<>();
        Set<String> pins = new HashSet<>();
        int finished = 0;
        // One pass over the listing serves the archives, the pins and the crash recovery.
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                String pinned = ArchiveFiles.pinnedArchive(name);
                if (pinned != null) {
                    pins.add(pinned);
                } else if (ArchiveFiles.isArchiveName(name)) {
                    names.add(name);
                } else if (finishInterruptedDeletions && name.endsWith(ArchiveFiles.DELETING_SUFFIX)) {
                    Files.deleteIfExists(p);
                    finished++;
                }
            }
        }
        if (finished > 0) {
            ArchiveFiles.syncDirectory(dir);
        }
        // Stats are independent system calls: spread them over the cores, then reconcile in order.
        List<Stat> stats = names.parallelStream()
                .map(name -> stat(dir, name))
                .filter(Objects::nonNull)
                .toList();
        Set<String> present = new HashSet<>(stats.size() * 2);
        stats.forEach(st -> present.add(st.name()));
        int read = 0;
        int unchanged = 0;
        int unreadable = 0;
        int narrowed = 0;
        for (Stat st : stats) {
            String name = st.name();
            ArchiveRecord known = index.get(name);
            if (known != null && known.sameFileAs(st.size(), st.mtime())) {
                unchanged++;
                if (known.pinned() != pins.contains(name)) {
                    index.put(known.withPinned(pins.contains(name)));
                }
                continue;
            }
            Path p = dir.resolve(name);
            ArchiveRecord fresh;
            try {
                fresh = readOne(p, st.size(), st.mtime());
            } catch (NoSuchFileException e) {
                present.remove(name);
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
            if (!present.contains(r.fileName())) {
                index.remove(r.fileName());
                removed++;
            }
        }
        index.commit();
        return new Result(present.size(), read, unchanged, removed, unreadable, narrowed, finished);
    }

    private record Stat(String name, long size, long mtime) {}

    private static Stat stat(Path dir, String name) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
            return attrs.isRegularFile()
                    ? new Stat(name, attrs.size(), attrs.lastModifiedTime().toMillis())
                    : null;
        } catch (IOException e) {
            return null; // vanished (or unreadable) meanwhile: treated as gone
        }
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

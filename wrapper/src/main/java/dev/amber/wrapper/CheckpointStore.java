package dev.amber.wrapper;

import dev.amber.errors.OneLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image directory's layout. A dump goes into {@code .partial-<time>/}; once CRIU succeeded the
 * marker is written and synced, the directory is renamed to {@code checkpoint-<time>/}, and the
 * symlink {@code current} is swapped to it with one rename. A crash at any step leaves either the
 * old checkpoint or the new one as {@code current}, never half of one.
 */
final class CheckpointStore {
    static final String CURRENT = "current";
    private static final String PARTIAL_PREFIX = ".partial-";
    private static final String CHECKPOINT_PREFIX = "checkpoint-";
    private static final String FAILED_PREFIX = "failed-";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path imageDir;

    CheckpointStore(Path imageDir) {
        this.imageDir = imageDir;
    }

    Path imageDir() {
        return imageDir;
    }

    /** A complete checkpoint in the store. */
    record StoredCheckpoint(Path dir, CheckpointMarker marker) {}

    /** A checkpoint the wrapper must not restore; the message says why. */
    static final class CorruptCheckpoint extends WrapperException {
        CorruptCheckpoint(String message) {
            super(message);
        }
    }

    /**
     * Creates the directory if needed, proves it writable by writing to it (root passes every
     * permission check, a read-only volume does not), and removes dumps that never completed.
     *
     * @return the partial dumps that were removed
     */
    List<Path> prepare() {
        try {
            Files.createDirectories(imageDir);
        } catch (IOException e) {
            throw new WrapperException("imageDir " + imageDir + " cannot be created: " + OneLine.of(e), e);
        }
        if (!Files.isDirectory(imageDir)) {
            throw new WrapperException("imageDir " + imageDir + " is not a directory");
        }
        try {
            Path probe = Files.createTempFile(imageDir, ".amber-write-test", "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new WrapperException("imageDir " + imageDir + " is not writable: " + OneLine.of(e), e);
        }
        List<Path> removed = new ArrayList<>();
        for (Path p : list(PARTIAL_PREFIX)) {
            deleteTree(p);
            removed.add(p);
        }
        return removed;
    }

    /** The checkpoint {@code current} points to, if any. */
    Optional<StoredCheckpoint> current() {
        Path link = imageDir.resolve(CURRENT);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path dir;
        try {
            dir = imageDir.resolve(Files.readSymbolicLink(link));
        } catch (IOException | UnsupportedOperationException e) {
            throw new CorruptCheckpoint(link + " is not a symlink to a checkpoint directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new CorruptCheckpoint("checkpoint " + dir + " (from " + link + ") is missing");
        }
        Path marker = dir.resolve(CheckpointMarker.FILE_NAME);
        if (!Files.isRegularFile(marker)) {
            throw new CorruptCheckpoint("checkpoint " + dir + " is incomplete: no " + CheckpointMarker.FILE_NAME);
        }
        try {
            CheckpointMarker m = CheckpointMarker.parse(Files.readString(marker));
            if (m.format() != CheckpointMarker.FORMAT) {
                throw new CorruptCheckpoint("checkpoint " + dir + " has format " + m.format()
                        + ", this wrapper reads format " + CheckpointMarker.FORMAT);
            }
            return Optional.of(new StoredCheckpoint(dir, m));
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptCheckpoint("checkpoint " + dir + " has an unreadable " + CheckpointMarker.FILE_NAME + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** A fresh directory for a dump in progress. */
    Path beginPartial() {
        try {
            return Files.createDirectory(imageDir.resolve(PARTIAL_PREFIX + STAMP.format(Instant.now())));
        } catch (IOException e) {
            throw new WrapperException("cannot create a checkpoint directory in " + imageDir + ": " + OneLine.of(e), e);
        }
    }

    /** Where {@link #publish} will move a partial dump: what a restore plan must name. */
    Path publishedDir(Path partial) {
        return imageDir.resolve(
                CHECKPOINT_PREFIX + partial.getFileName().toString().substring(PARTIAL_PREFIX.length()));
    }

    /**
     * Makes a completed dump the current checkpoint and deletes the previous ones. Every image file
     * is synced before the marker is written: the node is usually about to power off, and CRIU
     * leaves its images in the page cache.
     */
    StoredCheckpoint publish(Path partial, CheckpointMarker marker) {
        try {
            syncFiles(partial);
            Path markerTmp = partial.resolve(CheckpointMarker.FILE_NAME + ".tmp");
            Files.writeString(markerTmp, marker.toJson());
            try (FileChannel ch = FileChannel.open(markerTmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(markerTmp, partial.resolve(CheckpointMarker.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
            Path dir = publishedDir(partial);
            String name = dir.getFileName().toString();
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            Path newLink = imageDir.resolve(".current-" + name);
            Files.deleteIfExists(newLink);
            Files.createSymbolicLink(newLink, Path.of(name));
            Files.move(
                    newLink,
                    imageDir.resolve(CURRENT),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(imageDir);
            for (Path old : list(CHECKPOINT_PREFIX)) {
                if (!old.equals(dir)) {
                    deleteTree(old);
                }
            }
            return new StoredCheckpoint(dir, marker);
        } catch (IOException e) {
            throw new WrapperException("cannot publish checkpoint " + partial + ": " + OneLine.of(e), e);
        }
    }

    /** Forgets the current checkpoint: the app it holds has since ended on its own. */
    void retire() {
        Optional<Path> target = currentTarget();
        try {
            Files.deleteIfExists(imageDir.resolve(CURRENT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        target.ifPresent(CheckpointStore::deleteTree);
    }

    /** Moves an unrestorable checkpoint aside for inspection so that the next start is fresh. */
    Optional<Path> quarantine() {
        Optional<Path> target = currentTarget();
        try {
            Files.deleteIfExists(imageDir.resolve(CURRENT));
            if (target.isPresent() && Files.isDirectory(target.get())) {
                Path failed = imageDir.resolve(FAILED_PREFIX + STAMP.format(Instant.now()));
                Files.move(target.get(), failed, StandardCopyOption.ATOMIC_MOVE);
                return Optional.of(failed);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new WrapperException("cannot move the failed checkpoint aside: " + OneLine.of(e), e);
        }
    }

    void discard(Path partial) {
        deleteTree(partial);
    }

    private Optional<Path> currentTarget() {
        Path link = imageDir.resolve(CURRENT);
        try {
            return Files.isSymbolicLink(link)
                    ? Optional.of(imageDir.resolve(Files.readSymbolicLink(link)))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private List<Path> list(String prefix) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(imageDir, prefix + "*")) {
            entries.forEach(found::add);
        } catch (IOException e) {
            throw new WrapperException("cannot list " + imageDir + ": " + OneLine.of(e), e);
        }
        return found;
    }

    private static void syncFiles(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on a directory; the rename itself is still atomic.
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new WrapperException("cannot delete " + root + ": " + OneLine.of(e), e);
        }
    }
}

package dev.amber.wrapper;

import dev.amber.errors.OneLine;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The app's files that CRIU does not carry: {@code additionalPaths} (state outside the volume, such
 * as files under /tmp, which a new container would not have) and {@code inotifyIncompatiblePaths}.
 */
final class AppFiles {
    static final String ADDITIONAL_DIR = "additional-paths";

    private AppFiles() {}

    /** Copies each existing path into {@code checkpointDir/additional-paths/<absolute path>}; returns those it copied. */
    static List<Path> saveAdditional(List<Path> paths, Path checkpointDir) {
        List<Path> saved = new ArrayList<>();
        for (Path source : paths) {
            if (Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(source, storedPath(checkpointDir, source));
                saved.add(source);
            }
        }
        return saved;
    }

    /** Puts saved paths back where they were; runs before CRIU restores the files the app holds open. */
    static void restoreAdditional(List<Path> paths, Path checkpointDir) {
        for (Path target : paths) {
            Path stored = storedPath(checkpointDir, target);
            if (Files.exists(stored, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(stored, target);
            }
        }
    }

    /** Deletes paths whose inotify watches CRIU cannot restore. */
    static void removeInotifyIncompatible(List<Path> paths) {
        paths.forEach(CheckpointStore::deleteTree);
    }

    /** Where a path is kept in a checkpoint: under {@code additional-paths/}, by its absolute path. */
    static Path storedPath(Path checkpointDir, Path absolute) {
        return checkpointDir
                .resolve(ADDITIONAL_DIR)
                .resolve(absolute.getRoot().relativize(absolute).toString());
    }

    private static void copyTree(Path from, Path to) {
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path target = to.resolve(from.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(
                            file,
                            target,
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new WrapperException("cannot copy " + from + " to " + to + ": " + OneLine.of(e), e);
        }
    }
}

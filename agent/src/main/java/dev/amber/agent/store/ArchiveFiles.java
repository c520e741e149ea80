package dev.amber.agent.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checkpoint directory as files: which names are archives, pins, and deletion that a crash cannot
 * leave half done. A deletion first renames the archive to {@code <name>.deleting} (atomic within the
 * directory), then unlinks it; {@link #recover} finishes any rename a crash interrupted, so an archive
 * is either fully there under its name or gone.
 */
public final class ArchiveFiles {
    public static final String PIN_SUFFIX = ".keep";
    public static final String DELETING_SUFFIX = ".deleting";
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final List<String> ARCHIVE_SUFFIXES = List.of(".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd");

    private final Path directory;

    public ArchiveFiles(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path resolve(String fileName) {
        Path p = directory.resolve(fileName).normalize();
        if (!p.getParent().equals(directory.normalize()) || fileName.contains("/")) {
            throw new IllegalArgumentException("not a file name in " + directory + ": " + fileName);
        }
        return p;
    }

    /** Archive names the kubelet and Podman write; hidden files are other tools' temporaries. */
    public static boolean isArchiveName(String name) {
        return !name.startsWith(".") && ARCHIVE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** The archive a pin file pins, or null when {@code name} is no pin. */
    public static String pinnedArchive(String name) {
        return name.endsWith(PIN_SUFFIX) ? name.substring(0, name.length() - PIN_SUFFIX.length()) : null;
    }

    public boolean isPinned(String archive) {
        return Files.exists(directory.resolve(archive + PIN_SUFFIX));
    }

    /**
     * Deletes an archive so that a crash at any point leaves it either present or gone.
     *
     * @return false when it was already gone
     */
    public boolean delete(String fileName) throws IOException {
        Path archive = resolve(fileName);
        if (isPinned(fileName)) {
            throw new IOException(fileName + " is pinned by " + fileName + PIN_SUFFIX + ": not deleting it");
        }
        Path doomed = directory.resolve(fileName + DELETING_SUFFIX);
        try {
            Files.move(archive, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        syncDirectory();
        Files.deleteIfExists(doomed);
        return true;
    }

    /** Completes deletions a crash interrupted; returns the archives they removed. */
    public List<String> recover() throws IOException {
        List<String> finished = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return finished;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + DELETING_SUFFIX)) {
            for (Path p : stream) {
                Files.deleteIfExists(p);
                String name = p.getFileName().toString();
                finished.add(name.substring(0, name.length() - DELETING_SUFFIX.length()));
            }
        }
        if (!finished.isEmpty()) {
            syncDirectory();
        }
        return finished;
    }

    /**
     * Archives hold every secret of the checkpointed process: keep them readable by their owner only.
     *
     * @return true when the mode had to be narrowed
     */
    public static boolean restrictToOwner(Path archive) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(archive);
        if (OWNER_ONLY.containsAll(current)) {
            return false;
        }
        Files.setPosixFilePermissions(archive, OWNER_ONLY);
        return true;
    }

    private void syncDirectory() throws IOException {
        syncDirectory(directory);
    }

    /** Makes renames and unlinks in {@code dir} durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

package dev.amber.testkit.podman;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real checkpoint archives made by Podman and CRIU from small containers of the test image. Each
 * kind is made once per JVM and kept in a temporary directory removed at exit; the containers are
 * removed right after their checkpoint is exported, so a test may restore an archive under any name.
 */
public final class PodmanCheckpoints {

    /** The compression {@code podman container checkpoint --compress} applies to the archive. */
    public enum Compression {
        ZSTD("zstd", ".tar.zst"),
        GZIP("gzip", ".tar.gz"),
        NONE("none", ".tar");

        private final String podmanName;
        private final String suffix;

        Compression(String podmanName, String suffix) {
            this.podmanName = podmanName;
            this.suffix = suffix;
        }
    }

    /** busybox sh counting five times a second: the simplest process whose progress shows in its log. */
    static final String COUNTER_SCRIPT = "i=0; while :; do echo $i; i=$((i+1)); sleep 0.2; done";

    private static final int TCP_PORT = 7000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern NUMBER_LINE = Pattern.compile("(?m)^(\\d+)$");

    private static final Map<String, Path> ARCHIVES = new HashMap<>();
    private static final Map<Path, Long> COUNTER_AT_CHECKPOINT = new HashMap<>();
    private static final Map<Path, String> CHECKPOINTED_CONTAINER = new HashMap<>();
    private static Path directory;

    private PodmanCheckpoints() {}

    /** A checkpoint of the busybox counter container, exported with podman container checkpoint --export. Cached per JVM. */
    public static synchronized Path counterArchive(Compression c) {
        return ARCHIVES.computeIfAbsent("counter-" + c, key -> {
            String name = Podman.startTestContainer("counter", "sh", "-c", COUNTER_SCRIPT);
            Podman.awaitLogs(name, READY_TIMEOUT, log -> lastCounterValue(log).orElse(-1) >= 5);
            Path archive = checkpoint(name, key, c);
            // The checkpoint stopped the container, so its log ends exactly where the archive's does.
            COUNTER_AT_CHECKPOINT.put(
                    archive, lastCounterValue(Podman.logs(name)).orElseThrow());
            Podman.remove(name);
            return archive;
        });
    }

    /**
     * The last number the counter container logged before {@link #counterArchive} checkpointed it: a
     * restored counter goes on from the next one.
     */
    public static synchronized long counterAtCheckpoint(Path counterArchive) {
        Long value = COUNTER_AT_CHECKPOINT.get(counterArchive);
        if (value == null) {
            throw new IllegalArgumentException(counterArchive + " was not made by counterArchive in this JVM");
        }
        return value;
    }

    /**
     * A container with a listening TCP socket and an established connection, checkpointed with
     * --tcp-established (NONE compression).
     */
    public static synchronized Path tcpArchive() {
        return ARCHIVES.computeIfAbsent("tcp", key -> {
            // The client runs as pid 1 and the server as its child: one listening socket and both
            // ends of an established connection on loopback.
            String name = Podman.startTestContainer(
                    "tcp", "sh", "-c", "tcpecho server " + TCP_PORT + " & exec tcpecho client 127.0.0.1 " + TCP_PORT);
            Podman.awaitLogs(name, READY_TIMEOUT, log -> log.contains("tcpecho echo 2"));
            Path archive = checkpoint(name, key, Compression.NONE, "--tcp-established");
            Podman.remove(name);
            return archive;
        });
    }

    /** A container whose process holds `mebibytes` of random memory with `marker` planted in it. */
    public static synchronized Path memoryArchive(int mebibytes, String marker, Compression c) {
        if (mebibytes < 1) {
            throw new IllegalArgumentException("mebibytes must be at least 1, got " + mebibytes);
        }
        if (marker.isEmpty() || marker.chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
            throw new IllegalArgumentException("marker must be printable ASCII without spaces, got '" + marker + "'");
        }
        String key = "memory-" + mebibytes + "-" + Integer.toHexString(marker.hashCode()) + "-" + c;
        return ARCHIVES.computeIfAbsent(key, k -> {
            String name = Podman.startTestContainer("memory", "memhog", Integer.toString(mebibytes), marker);
            // memhog prints its first counter line only after it filled and marked the memory.
            Podman.awaitLogs(name, READY_TIMEOUT.plusSeconds(mebibytes / 64), log -> log.contains("memhog 0"));
            Path archive = checkpoint(name, k, c);
            Podman.remove(name);
            return archive;
        });
    }

    /**
     * A container holding a deleted-but-open file and a file changed in its rootfs (rootfs-diff and deleted.files have content).
     *
     * <p>In detail (NONE compression): {@code /data/new-file} is added (in rootfs-diff.tar),
     * {@code /etc/amber-test/delete-me} deleted (in deleted.files), {@code /etc/amber-test/change-me}
     * modified (Podman 4.3 puts only added files into rootfs-diff.tar, so this change is not in the
     * archive), and {@code holdfile} keeps {@code /data/held-file} open after deleting it (a CRIU
     * ghost-file image).
     */
    public static synchronized Path filesArchive() {
        return ARCHIVES.computeIfAbsent("files", key -> {
            // /etc/amber-test/change-me and delete-me come with the test image (scripts/lib/test-rootfs).
            String name = Podman.startTestContainer(
                    "files",
                    "sh",
                    "-c",
                    "echo changed by the test > /etc/amber-test/change-me"
                            + " && rm /etc/amber-test/delete-me"
                            + " && mkdir -p /data && echo created by the test > /data/new-file"
                            + " && exec holdfile /data/held-file");
            Podman.awaitLogs(name, READY_TIMEOUT, log -> log.contains("holdfile 1 intact"));
            Path archive = checkpoint(name, key, Compression.NONE);
            Podman.remove(name);
            return archive;
        });
    }

    /**
     * Restores an archive as a new container ({@code podman container restore --import --name}),
     * removed when the JVM exits; returns its name.
     */
    public static String restore(Path archive, String purpose, String... extraOptions) {
        String name = Podman.uniqueName(purpose);
        List<String> args =
                new ArrayList<>(List.of("container", "restore", "--import", archive.toString(), "--name", name));
        args.addAll(List.of(extraOptions));
        Podman.run(CHECKPOINT_TIMEOUT, args.toArray(String[]::new));
        return name;
    }

    /**
     * Restores {@link #tcpArchive} with {@code --tcp-established}. Podman refuses {@code --name}
     * together with established connections, so the container comes back under its original name
     * (removed after the checkpoint, so free); one restore of it may run at a time.
     */
    public static synchronized String restoreWithEstablishedTcp(Path tcpArchive) {
        String name = CHECKPOINTED_CONTAINER.get(tcpArchive);
        if (name == null) {
            throw new IllegalArgumentException(tcpArchive + " was not made by this class in this JVM");
        }
        Podman.removeOnExit(name);
        Podman.run(CHECKPOINT_TIMEOUT, "container", "restore", "--import", tcpArchive.toString(), "--tcp-established");
        return name;
    }

    /** The last line of the log that is a bare number, as the counter script prints them. */
    public static OptionalLong lastCounterValue(String log) {
        Matcher matcher = NUMBER_LINE.matcher(log);
        OptionalLong last = OptionalLong.empty();
        while (matcher.find()) {
            last = OptionalLong.of(Long.parseLong(matcher.group(1)));
        }
        return last;
    }

    /** Every bare number the counter printed, in log order. */
    public static List<Long> counterValues(String log) {
        Matcher matcher = NUMBER_LINE.matcher(log);
        List<Long> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(Long.parseLong(matcher.group(1)));
        }
        return values;
    }

    private static Path checkpoint(String container, String key, Compression c, String... extraOptions) {
        Path archive = directory().resolve(key + c.suffix);
        List<String> args = new ArrayList<>(
                List.of("container", "checkpoint", "--export", archive.toString(), "--compress", c.podmanName));
        args.addAll(List.of(extraOptions));
        args.add(container);
        Podman.run(CHECKPOINT_TIMEOUT, args.toArray(String[]::new));
        if (!Files.isRegularFile(archive)) {
            throw new PodmanException("podman reported success but wrote no archive at " + archive);
        }
        CHECKPOINTED_CONTAINER.put(archive, container);
        return archive;
    }

    private static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("amber-checkpoints-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for test checkpoints", e);
            }
            Path created = directory;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created), "checkpoint-cleanup"));
        }
        return directory;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit: the directory is under the system temp directory anyway
        }
    }
}

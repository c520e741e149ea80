package dev.amber.archive;

import dev.amber.archive.criu.CriuImage;
import dev.amber.archive.criu.CriuImages;
import dev.amber.archive.criu.FileDescriptorDecoder;
import dev.amber.archive.criu.MemoryStrings;
import dev.amber.archive.criu.ProcessTreeDecoder;
import dev.amber.archive.criu.proto.DumpStatsEntry;
import dev.amber.archive.criu.proto.MmEntry;
import dev.amber.archive.criu.proto.StatsEntry;
import dev.amber.archive.memory.AddressRange;
import dev.amber.archive.memory.CompositeConsumer;
import dev.amber.archive.memory.PageConsumer;
import dev.amber.archive.memory.PageFeeder;
import dev.amber.archive.memory.PageMap;
import dev.amber.archive.memory.RangeCapture;
import dev.amber.archive.metadata.ContainerInfoParser;
import dev.amber.archive.metadata.MetadataFiles;
import dev.amber.archive.model.ArchiveSizes;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.archive.model.DumpStatistics;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.RootfsChange;
import dev.amber.archive.model.SocketInfo;
import dev.amber.archive.source.ArchiveEntry;
import dev.amber.archive.source.ArchiveSource;
import dev.amber.archive.source.RandomAccessData;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a checkpoint in one pass over its archive, keeping only what the requested parts need.
 *
 * <p>Uncompressed tars and directories are read with seeks: headers are indexed and only the wanted
 * entries (and only the wanted pages) are read. Compressed archives are decompressed exactly once; pages
 * are handed to consumers as they stream past, and a pages file is spilled to a private temporary file
 * only in the unusual case that it arrives before the pagemap that describes it.
 */
public final class CheckpointReader {
    /** Metadata files larger than this are not metadata: refusing them keeps memory bounded. */
    private static final long MAX_METADATA_BYTES = 64L << 20;

    private static final long MAX_IMAGE_BYTES = 256L << 20;

    /** The CRIU images decoded by some part; every other image is skipped unread. */
    private static final List<String> KEPT_IMAGE_PREFIXES = List.of(
            "inventory",
            "pstree",
            "core-",
            "ids-",
            "mm-",
            "pagemap-",
            "fdinfo-",
            "files.img",
            "fs-",
            "creds-",
            "tcp-stream-",
            "remap-fpath",
            "stats-dump");

    private CheckpointReader() {}

    public static Checkpoint read(Path path, Set<ReadPart> parts) throws IOException {
        return read(path, parts, null);
    }

    /**
     * @param pages receives process memory during the read, or null
     */
    public static Checkpoint read(Path path, Set<ReadPart> parts, PageConsumer pages) throws IOException {
        try (ArchiveSource source = ArchiveSource.open(path);
                Pass pass = new Pass(source, parts, pages)) {
            try {
                source.forEach(pass::visit);
                return pass.finish();
            } catch (ArchiveException e) {
                throw ArchiveSource.failure(path, e);
            }
        }
    }

    /** State of one pass over an archive. */
    private static final class Pass implements AutoCloseable {
        private final ArchiveSource source;
        private final Set<ReadPart> parts;
        private final PageConsumer userPages;
        private final boolean needImages;
        private final RangeCapture strings = new RangeCapture();
        private final Set<Integer> stringRangesAdded = new HashSet<>();

        private final Map<String, byte[]> metadata = new HashMap<>();
        private final Map<String, byte[]> images = new HashMap<>();
        /** Decoded views of {@link #images}, filled as the pass goes. */
        private final CriuImages criu = new CriuImages(images);

        private final Map<Integer, PageMap> pageMaps = new HashMap<>();
        private final Map<Integer, Integer> pidByPagesId = new HashMap<>();
        private final Map<Integer, RandomAccessData> pagesById = new HashMap<>();
        private final Map<Integer, Long> pagesSizeById = new HashMap<>();
        private final List<RootfsChange> rootfsChanges = new ArrayList<>();
        private final PageFeeder feeder = new PageFeeder();
        private Path spillDir;
        /** Open channels of pages files copied to {@link #spillDir} because they came before their pagemap. */
        private final List<FileChannel> spilled = new ArrayList<>();

        private long checkpointBytes;
        private long pagesBytes;
        private long rootfsDiffBytes;
        private long checkpointMtime;
        private long metadataMtime;
        private boolean inCheckpoint;
        private boolean leftCheckpoint;
        private boolean sawRootfsDiff;

        Pass(ArchiveSource source, Set<ReadPart> parts, PageConsumer userPages) {
            this.source = source;
            this.parts = parts;
            this.userPages = userPages;
            this.needImages = userPages != null
                    || parts.stream().anyMatch(ReadPart.FROM_IMAGES::contains)
                    || parts.contains(ReadPart.STATISTICS);
        }

        boolean visit(ArchiveEntry entry) throws IOException {
            String name = entry.name();
            if (name.startsWith(MetadataFiles.CHECKPOINT_DIR + "/")) {
                inCheckpoint = true;
                visitImage(entry, name.substring(MetadataFiles.CHECKPOINT_DIR.length() + 1));
            } else {
                if (inCheckpoint) {
                    leftCheckpoint = true;
                }
                if (MetadataFiles.SMALL.contains(name) && entry.isRegularFile()) {
                    metadata.put(name, readSmall(entry, MAX_METADATA_BYTES));
                    metadataMtime = Math.max(metadataMtime, entry.modifiedEpochSeconds());
                } else if (name.equals(MetadataFiles.ROOTFS_DIFF)) {
                    sawRootfsDiff = true;
                    rootfsDiffBytes = entry.size();
                    if (parts.contains(ReadPart.ROOTFS_DIFF)) {
                        rootfsChanges.addAll(RootfsDiffLister.list(entry.open()));
                    }
                }
            }
            return !everythingRead();
        }

        /**
         * Without sizes to total, a pass may stop once the images and the wanted metadata are behind it.
         * Every engine writes {@code checkpoint/} as one run of entries, but a hand-repacked archive may
         * not: leaving the directory is only a hint, and the pass stops early only once the images it
         * needs are all in hand (otherwise it reads on to the end, slower but never wrong).
         */
        private boolean everythingRead() {
            if (parts.contains(ReadPart.SIZES)) {
                return false;
            }
            boolean metadataDone =
                    metadata.containsKey(MetadataFiles.CONFIG_DUMP) && metadata.containsKey(MetadataFiles.SPEC_DUMP);
            boolean rootfsDone = !parts.contains(ReadPart.ROOTFS_DIFF) || sawRootfsDiff;
            return metadataDone && rootfsDone && (!needImages || leftCheckpoint && neededImagesSeen());
        }

        /** pstree, and for each process its core and, when memory is read, its mm, pagemap and pages. */
        private boolean neededImagesSeen() {
            if (!images.containsKey("inventory.img") || !images.containsKey("pstree.img")) {
                return false;
            }
            boolean memory =
                    userPages != null || parts.contains(ReadPart.COMMAND_LINES) || parts.contains(ReadPart.ENVIRONMENT);
            try {
                for (var process : criu.pstree()) {
                    int pid = process.getPid();
                    if (!images.containsKey("core-" + pid + ".img")) {
                        return false;
                    }
                    if (memory) {
                        PageMap map = pageMaps.get(pid);
                        if (!images.containsKey("mm-" + pid + ".img")
                                || map == null
                                || !pagesSizeById.containsKey(map.pagesId())) {
                            return false;
                        }
                    }
                }
                return true;
            } catch (ArchiveException corrupt) {
                return false; // read on; the full decode at the end reports it
            }
        }

        private void visitImage(ArchiveEntry entry, String image) throws IOException {
            checkpointBytes += entry.size();
            checkpointMtime = Math.max(checkpointMtime, entry.modifiedEpochSeconds());
            if (!entry.isRegularFile() || image.contains("/")) {
                return;
            }
            if (image.startsWith("pages-")) {
                pagesBytes += entry.size();
                if (needImages) {
                    visitPages(entry, image);
                }
                return;
            }
            if (needImages && KEPT_IMAGE_PREFIXES.stream().anyMatch(image::startsWith)) {
                images.put(image, readSmall(entry, MAX_IMAGE_BYTES));
                if (image.startsWith("pagemap-")) {
                    registerPageMap(image);
                }
            }
        }

        private void registerPageMap(String image) throws ArchiveException {
            Integer pid = pidOf(image, "pagemap-");
            if (pid == null) {
                return; // shared-memory pagemaps belong to no single process
            }
            PageMap map = PageMap.decode(CriuImage.parse(image, images.get(image)));
            pageMaps.put(pid, map);
            pidByPagesId.put(map.pagesId(), pid);
        }

        private void visitPages(ArchiveEntry entry, String image) throws IOException {
            Integer pagesId = pidOf(image, "pages-");
            if (pagesId == null) {
                return;
            }
            pagesSizeById.put(pagesId, entry.size());
            var random = entry.randomAccess();
            if (random != null) {
                pagesById.put(pagesId, random);
                return;
            }
            Integer pid = pidByPagesId.get(pagesId);
            if (pid != null && images.containsKey("mm-" + pid + ".img")) {
                PageConsumer consumer = consumerFor(pid);
                if (consumer != null) {
                    feeder.feed(pid, pageMaps.get(pid), entry.open(), entry.size(), consumer);
                }
                return;
            }
            // The pagemap (or mm) that explains these pages has not been seen yet: keep the bytes privately.
            if (userPages != null || parts.contains(ReadPart.COMMAND_LINES) || parts.contains(ReadPart.ENVIRONMENT)) {
                if (spillDir == null) {
                    spillDir = Files.createTempDirectory("amber-pages-"); // owner-only on POSIX
                }
                Path copy = spillDir.resolve(pagesId + ".img");
                try (var in = entry.open()) {
                    Files.copy(in, copy);
                }
                var channel = FileChannel.open(copy, StandardOpenOption.READ);
                spilled.add(channel);
                pagesById.put(pagesId, RandomAccessData.of(channel, 0, channel.size()));
            }
        }

        /** The consumers that want {@code pid}'s pages, or null when none does. */
        private PageConsumer consumerFor(int pid) throws ArchiveException {
            addStringRanges(pid);
            List<PageConsumer> wanting = new ArrayList<>();
            if (strings.wants(pid)) {
                wanting.add(strings);
            }
            if (userPages != null && userPages.wants(pid)) {
                wanting.add(userPages);
            }
            if (wanting.isEmpty()) {
                return null;
            }
            return wanting.size() == 1 ? wanting.get(0) : new CompositeConsumer(wanting);
        }

        private void addStringRanges(int pid) throws ArchiveException {
            if (!stringRangesAdded.add(pid)) {
                return;
            }
            boolean cmd = parts.contains(ReadPart.COMMAND_LINES);
            boolean env = parts.contains(ReadPart.ENVIRONMENT);
            if (!cmd && !env) {
                return;
            }
            MmEntry mm = criu.mm(pid);
            if (mm == null) {
                return;
            }
            if (cmd) {
                strings.add(pid, new AddressRange(mm.getMmArgStart(), mm.getMmArgEnd()));
            }
            if (env) {
                strings.add(pid, new AddressRange(mm.getMmEnvStart(), mm.getMmEnvEnd()));
            }
        }

        Checkpoint finish() throws IOException {
            // Engines that record no checkpoint time (Podman) wrote the images and the metadata files at
            // that moment; the images' time is preferred, the metadata's serves reads that stop before them.
            long writtenAt = checkpointMtime != 0 ? checkpointMtime : metadataMtime;
            ContainerInfo container = ContainerInfoParser.parse(
                    metadata, source.path(), writtenAt == 0 ? null : Instant.ofEpochSecond(writtenAt));
            long archiveBytes =
                    Files.isRegularFile(source.path()) ? Files.size(source.path()) : checkpointBytes + rootfsDiffBytes;
            ArchiveSizes sizes = new ArchiveSizes(archiveBytes, checkpointBytes, pagesBytes, rootfsDiffBytes);

            if (needImages && criu.isEmpty()) {
                throw new ArchiveException("the archive holds no CRIU images (checkpoint/ is missing or empty)");
            }
            ProcessNode tree = null;
            if (needImages) {
                List<Integer> pids = criu.pstree().stream().map(e -> e.getPid()).toList();
                feedRemainingPages(pids);
                tree = ProcessTreeDecoder.decode(criu, memoryStrings(pids));
            }
            Map<Integer, List<OpenFile>> files = new LinkedHashMap<>();
            Map<Integer, List<SocketInfo>> sockets = new LinkedHashMap<>();
            if (tree != null) {
                readDescriptors(tree, files, sockets);
            }
            List<RootfsChange> changes = null;
            if (parts.contains(ReadPart.ROOTFS_DIFF)) {
                changes = new ArrayList<>(rootfsChanges);
                changes.addAll(RootfsDiffLister.deletedFiles(metadata.get(MetadataFiles.DELETED_FILES)));
            }
            return new Checkpoint(
                    source.path(),
                    source.format(),
                    container,
                    sizes,
                    parts.contains(ReadPart.PROCESSES)
                                    || parts.contains(ReadPart.COMMAND_LINES)
                                    || parts.contains(ReadPart.ENVIRONMENT)
                            ? tree
                            : null,
                    Collections.unmodifiableMap(files),
                    Collections.unmodifiableMap(sockets),
                    parts.contains(ReadPart.STATISTICS) ? statistics(criu) : null,
                    changes,
                    parts.contains(ReadPart.MEMORY_MAPS) ? Collections.unmodifiableMap(pageMaps) : Map.of());
        }

        /** The open files and sockets of each live process of {@code tree}, as far as they were asked for. */
        private void readDescriptors(
                ProcessNode tree, Map<Integer, List<OpenFile>> files, Map<Integer, List<SocketInfo>> sockets)
                throws ArchiveException {
            if (!parts.contains(ReadPart.FILES) && !parts.contains(ReadPart.SOCKETS)) {
                return;
            }
            for (ProcessNode p : tree.flatten().toList()) {
                if (!p.state().aliveOrStopped()) {
                    continue;
                }
                if (parts.contains(ReadPart.FILES)) {
                    files.put(p.pid(), FileDescriptorDecoder.openFiles(criu, p.pid()));
                }
                if (parts.contains(ReadPart.SOCKETS)) {
                    sockets.put(p.pid(), FileDescriptorDecoder.sockets(criu, p.pid()));
                }
            }
        }

        /** Pages that could not be streamed (seekable archives, spilled files) are read now, process by process. */
        private void feedRemainingPages(List<Integer> pids) throws IOException {
            for (int pid : pids) {
                PageMap map = pageMaps.get(pid);
                if (map == null) {
                    continue;
                }
                if (userPages != null
                        && userPages.wants(pid)
                        && map.presentBytes() > 0
                        && !pagesSizeById.containsKey(map.pagesId())) {
                    throw new ArchiveException("pages-" + map.pagesId() + ".img of process " + pid + " is missing");
                }
                var data = pagesById.get(map.pagesId());
                if (data == null) {
                    continue; // already streamed, or not needed
                }
                PageConsumer consumer = consumerFor(pid);
                if (consumer != null) {
                    feeder.feed(pid, map, data, consumer);
                }
            }
        }

        private Map<Integer, MemoryStrings> memoryStrings(List<Integer> pids) throws ArchiveException {
            boolean cmd = parts.contains(ReadPart.COMMAND_LINES);
            boolean env = parts.contains(ReadPart.ENVIRONMENT);
            Map<Integer, MemoryStrings> out = new HashMap<>();
            if (!cmd && !env) {
                return out;
            }
            for (int pid : pids) {
                MmEntry mm = criu.mm(pid);
                if (mm == null) {
                    continue;
                }
                List<String> argv = cmd
                        ? MemoryStrings.split(strings.get(pid, new AddressRange(mm.getMmArgStart(), mm.getMmArgEnd())))
                        : null;
                List<String> envp = env
                        ? MemoryStrings.split(strings.get(pid, new AddressRange(mm.getMmEnvStart(), mm.getMmEnvEnd())))
                        : null;
                out.put(pid, new MemoryStrings(argv, envp));
            }
            return out;
        }

        private DumpStatistics statistics(CriuImages criu) throws ArchiveException {
            StatsEntry stats = criu.dumpStats();
            if (stats == null && metadata.containsKey(MetadataFiles.STATS_DUMP)) {
                // Podman and CRI-O move CRIU's stats-dump to the top of the archive.
                stats = CriuImage.parse("stats-dump", metadata.get(MetadataFiles.STATS_DUMP))
                        .first(StatsEntry.parser());
            }
            if (stats == null || !stats.hasDump()) {
                return null;
            }
            DumpStatsEntry d = stats.getDump();
            return new DumpStatistics(
                    d.getFreezingTime(),
                    d.getFrozenTime(),
                    d.getMemdumpTime(),
                    d.getMemwriteTime(),
                    d.getPagesScanned(),
                    d.getPagesSkippedParent(),
                    d.getPagesWritten(),
                    d.getPagesLazy());
        }

        private static byte[] readSmall(ArchiveEntry entry, long limit) throws IOException {
            if (entry.size() > limit) {
                throw new ArchiveException(
                        entry.name() + " is " + entry.size() + " bytes, too large to be what its name says");
            }
            try (var in = entry.open()) {
                byte[] data = in.readNBytes((int) entry.size());
                if (data.length != entry.size()) {
                    throw new ArchiveException("archive is truncated inside " + entry.name());
                }
                return data;
            }
        }

        private static Integer pidOf(String image, String prefix) {
            String digits = image.substring(prefix.length()).replaceFirst("\\.img$", "");
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            for (var channel : spilled) {
                channel.close();
            }
            if (spillDir != null) {
                try (var files = Files.list(spillDir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(spillDir);
            }
        }
    }
}

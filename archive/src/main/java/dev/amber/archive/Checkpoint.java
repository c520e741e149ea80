package dev.amber.archive;

import dev.amber.archive.memory.PageMap;
import dev.amber.archive.model.ArchiveSizes;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.archive.model.DumpStatistics;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.RootfsChange;
import dev.amber.archive.model.SocketInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a read of a checkpoint produced. Parts that were not requested are null (or empty maps), so a
 * command pays only for what it shows.
 *
 * @param files open files by pid, in process-tree order
 * @param sockets sockets by pid, in process-tree order
 * @param memoryMaps page maps by pid
 */
public record Checkpoint(
        Path path,
        ArchiveFormat format,
        ContainerInfo container,
        ArchiveSizes sizes,
        ProcessNode processTree,
        Map<Integer, List<OpenFile>> files,
        Map<Integer, List<SocketInfo>> sockets,
        DumpStatistics statistics,
        List<RootfsChange> rootfsChanges,
        Map<Integer, PageMap> memoryMaps) {}

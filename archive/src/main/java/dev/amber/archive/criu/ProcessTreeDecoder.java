package dev.amber.archive.criu;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.criu.proto.CoreEntry;
import dev.amber.archive.criu.proto.CredsEntry;
import dev.amber.archive.criu.proto.FileEntry;
import dev.amber.archive.criu.proto.FsEntry;
import dev.amber.archive.criu.proto.MmEntry;
import dev.amber.archive.criu.proto.PstreeEntry;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the process tree from pstree, core, fs, mm and creds images. */
public final class ProcessTreeDecoder {
    private ProcessTreeDecoder() {}

    /**
     * @param memoryStrings command lines and environments read from memory, by pid (may be empty)
     */
    public static ProcessNode decode(CriuImages images, Map<Integer, MemoryStrings> memoryStrings)
            throws ArchiveException {
        List<PstreeEntry> entries = images.pstree();
        Map<Integer, PstreeEntry> byPid = new LinkedHashMap<>();
        for (PstreeEntry e : entries) {
            byPid.put(e.getPid(), e);
        }
        Map<Integer, List<Integer>> children = new HashMap<>();
        Integer root = null;
        for (PstreeEntry e : entries) {
            if (e.getPpid() == 0 || !byPid.containsKey(e.getPpid())) {
                if (root == null) {
                    root = e.getPid();
                }
            } else {
                children.computeIfAbsent(e.getPpid(), k -> new ArrayList<>()).add(e.getPid());
            }
        }
        if (root == null) {
            throw new ArchiveException("corrupt CRIU image pstree.img: no root process");
        }
        return build(root, byPid, children, images, memoryStrings, 0);
    }

    private static ProcessNode build(
            int pid,
            Map<Integer, PstreeEntry> byPid,
            Map<Integer, List<Integer>> children,
            CriuImages images,
            Map<Integer, MemoryStrings> strings,
            int depth)
            throws ArchiveException {
        if (depth > byPid.size()) {
            throw new ArchiveException("corrupt CRIU image pstree.img: the process tree has a cycle");
        }
        PstreeEntry e = byPid.get(pid);
        CoreEntry core = images.has("core-" + pid + ".img") ? images.core(pid) : null;
        String comm = core != null && core.hasTc() ? core.getTc().getComm() : "";
        TaskState state =
                core != null && core.hasTc() ? TaskState.of(core.getTc().getTaskState()) : TaskState.UNKNOWN;

        ProcessNode.Credentials creds = null;
        String cwd = null;
        String rootDir = null;
        String exe = null;
        if (state.aliveOrStopped()) {
            CredsEntry c = images.creds(pid);
            if (c != null) {
                creds = new ProcessNode.Credentials(c.getUid(), c.getGid(), c.getEuid(), c.getEgid());
            }
            Map<Integer, FileEntry> files = images.files();
            FsEntry fs = images.fs(pid);
            if (fs != null) {
                cwd = FileDescriptorDecoder.regularPath(files.get(fs.getCwdId()));
                rootDir = FileDescriptorDecoder.regularPath(files.get(fs.getRootId()));
            }
            MmEntry mm = images.mm(pid);
            if (mm != null && mm.hasExeFileId()) {
                exe = FileDescriptorDecoder.regularPath(files.get(mm.getExeFileId()));
            }
        }
        MemoryStrings s = strings.get(pid);
        List<ProcessNode> kids = new ArrayList<>();
        for (int child : children.getOrDefault(pid, List.of())) {
            kids.add(build(child, byPid, children, images, strings, depth + 1));
        }
        return new ProcessNode(
                pid,
                e.getPpid(),
                e.getPgid(),
                e.getSid(),
                List.copyOf(e.getThreadsList()),
                comm,
                state,
                creds,
                s == null ? null : s.commandLine(),
                s == null ? null : s.environment(),
                cwd,
                rootDir,
                exe,
                kids);
    }
}

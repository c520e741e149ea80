package dev.amber.archive.criu;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.criu.proto.CoreEntry;
import dev.amber.archive.criu.proto.CredsEntry;
import dev.amber.archive.criu.proto.FdinfoEntry;
import dev.amber.archive.criu.proto.FileEntry;
import dev.amber.archive.criu.proto.FsEntry;
import dev.amber.archive.criu.proto.InventoryEntry;
import dev.amber.archive.criu.proto.MmEntry;
import dev.amber.archive.criu.proto.PstreeEntry;
import dev.amber.archive.criu.proto.RemapFilePathEntry;
import dev.amber.archive.criu.proto.StatsEntry;
import dev.amber.archive.criu.proto.TaskKobjIdsEntry;
import dev.amber.archive.criu.proto.TcpStreamEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CRIU images of one checkpoint (the files under {@code checkpoint/}), decoded on demand. Each image
 * is decoded at most once.
 */
public final class CriuImages {
    /** remap_type GHOST: the file was deleted while open and its content saved in a ghost image. */
    private static final int REMAP_GHOST = 1;

    private final Map<String, byte[]> raw;
    private final Map<String, Object> decoded = new HashMap<>();
    private Map<Integer, FileEntry> files;
    private Set<Integer> ghostIds;

    /** @param raw image bytes keyed by file name inside {@code checkpoint/}, e.g. {@code core-1.img} */
    public CriuImages(Map<String, byte[]> raw) {
        this.raw = raw;
    }

    public boolean isEmpty() {
        return raw.isEmpty();
    }

    public boolean has(String name) {
        return raw.containsKey(name);
    }

    public CriuImage image(String name) throws ArchiveException {
        byte[] data = raw.get(name);
        if (data == null) {
            throw new ArchiveException("CRIU image " + name + " is missing from the checkpoint");
        }
        return CriuImage.parse(name, data);
    }

    public InventoryEntry inventory() throws ArchiveException {
        return raw.containsKey("inventory.img") ? image("inventory.img").first(InventoryEntry.parser()) : null;
    }

    public List<PstreeEntry> pstree() throws ArchiveException {
        @SuppressWarnings("unchecked")
        List<PstreeEntry> cached = (List<PstreeEntry>) decoded.get("pstree");
        if (cached == null) {
            if (!raw.containsKey("pstree.img")) {
                throw new ArchiveException("the checkpoint has no process tree (checkpoint/pstree.img is missing)");
            }
            cached = image("pstree.img").messages(PstreeEntry.parser());
            if (cached.isEmpty()) {
                throw new ArchiveException("corrupt CRIU image pstree.img: no processes");
            }
            decoded.put("pstree", cached);
        }
        return cached;
    }

    public CoreEntry core(int pid) throws ArchiveException {
        return image("core-" + pid + ".img").first(CoreEntry.parser());
    }

    /** Kernel object ids: inside the core image since CRIU 3.x, in ids-PID.img before. */
    public TaskKobjIdsEntry ids(int pid) throws ArchiveException {
        CoreEntry core = core(pid);
        if (core != null && core.hasIds()) {
            return core.getIds();
        }
        String legacy = "ids-" + pid + ".img";
        return raw.containsKey(legacy) ? image(legacy).first(TaskKobjIdsEntry.parser()) : null;
    }

    public MmEntry mm(int pid) throws ArchiveException {
        String name = "mm-" + pid + ".img";
        return raw.containsKey(name) ? image(name).first(MmEntry.parser()) : null;
    }

    public FsEntry fs(int pid) throws ArchiveException {
        String name = "fs-" + pid + ".img";
        return raw.containsKey(name) ? image(name).first(FsEntry.parser()) : null;
    }

    /** Credentials live in the thread core since CRIU 3.x, in creds-PID.img before. */
    public CredsEntry creds(int pid) throws ArchiveException {
        CoreEntry core = core(pid);
        if (core != null && core.hasThreadCore() && core.getThreadCore().hasCreds()) {
            return core.getThreadCore().getCreds();
        }
        String legacy = "creds-" + pid + ".img";
        return raw.containsKey(legacy) ? image(legacy).first(CredsEntry.parser()) : null;
    }

    /** The descriptor table of {@code pid}, found by its files id (per-id images) or by pid (older images). */
    public List<FdinfoEntry> fdinfo(int pid) throws ArchiveException {
        TaskKobjIdsEntry ids = ids(pid);
        if (ids != null && raw.containsKey("fdinfo-" + ids.getFilesId() + ".img")) {
            return image("fdinfo-" + ids.getFilesId() + ".img").messages(FdinfoEntry.parser());
        }
        String byPid = "fdinfo-" + pid + ".img";
        return raw.containsKey(byPid) ? image(byPid).messages(FdinfoEntry.parser()) : List.of();
    }

    /** All file objects by id, from files.img. */
    public Map<Integer, FileEntry> files() throws ArchiveException {
        if (files == null) {
            files = new HashMap<>();
            if (raw.containsKey("files.img")) {
                for (FileEntry f : image("files.img").messages(FileEntry.parser())) {
                    files.put(f.getId(), f);
                }
            }
        }
        return files;
    }

    /** Ids of regular files that were deleted while open. */
    public Set<Integer> ghostFileIds() throws ArchiveException {
        if (ghostIds == null) {
            ghostIds = new HashSet<>();
            if (raw.containsKey("remap-fpath.img")) {
                for (RemapFilePathEntry r : image("remap-fpath.img").messages(RemapFilePathEntry.parser())) {
                    if (r.getRemapType() == REMAP_GHOST) {
                        ghostIds.add(r.getOrigId());
                    }
                }
            }
        }
        return ghostIds;
    }

    public TcpStreamEntry tcpStream(int inode) throws ArchiveException {
        String name = "tcp-stream-" + Integer.toHexString(inode) + ".img";
        // Queued data follows the entry, so only the first frame is a message.
        return raw.containsKey(name) ? image(name).first(TcpStreamEntry.parser()) : null;
    }

    public StatsEntry dumpStats() throws ArchiveException {
        String name = "stats-dump";
        return raw.containsKey(name) ? image(name).first(StatsEntry.parser()) : null;
    }
}

package dev.amber.archive.memory;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.criu.CriuImage;
import dev.amber.archive.criu.proto.PagemapEntry;
import dev.amber.archive.criu.proto.PagemapHead;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's memory as CRIU recorded it: runs of pages, each either present in this checkpoint's
 * {@code pages-<id>.img}, in a parent (pre-dump) checkpoint, or lazy (served on demand at restore).
 * Only present runs occupy the pages file, in pagemap order: the file offset of a run is the sum of the
 * present runs before it. (checkpointctl also advances the offset over parent and lazy runs, which reads
 * the wrong bytes for incremental and lazy images.)
 */
public final class PageMap {
    public static final int PAGE_SIZE = 4096;

    static final int PE_PARENT = 1;
    static final int PE_LAZY = 2;
    static final int PE_PRESENT = 4;

    /** Where a run's bytes live. */
    public enum Residence {
        PRESENT,
        PARENT,
        LAZY
    }

    /** A run of pages starting at {@code address}; {@code fileOffset} is -1 unless present. */
    public record Run(long address, long pages, Residence residence, long fileOffset) {
        public long bytes() {
            return pages * PAGE_SIZE;
        }

        public long end() {
            return address + bytes();
        }
    }

    private final int pagesId;
    private final List<Run> runs;
    private final long presentPages;
    private final long totalPages;

    private PageMap(int pagesId, List<Run> runs) {
        this.pagesId = pagesId;
        this.runs = List.copyOf(runs);
        this.presentPages = runs.stream()
                .filter(r -> r.residence == Residence.PRESENT)
                .mapToLong(Run::pages)
                .sum();
        this.totalPages = runs.stream().mapToLong(Run::pages).sum();
    }

    public static PageMap decode(CriuImage image) throws ArchiveException {
        var parsed = image.headAndEntries(PagemapHead.parser(), PagemapEntry.parser());
        List<Run> runs = new ArrayList<>(parsed.entries().size());
        long offset = 0;
        for (PagemapEntry e : parsed.entries()) {
            // CRIU >= 4.2 writes nr_pages and leaves compat_nr_pages 0; older CRIU writes only the latter.
            long pages = e.hasNrPages() ? e.getNrPages() : Integer.toUnsignedLong(e.getCompatNrPages());
            Residence residence = residence(e);
            if (residence == Residence.PRESENT) {
                runs.add(new Run(e.getVaddr(), pages, residence, offset));
                offset += pages * PAGE_SIZE;
            } else {
                runs.add(new Run(e.getVaddr(), pages, residence, -1));
            }
        }
        return new PageMap(parsed.head().getPagesId(), runs);
    }

    static Residence residence(PagemapEntry e) {
        int flags = e.getFlags();
        if (flags == 0) { // images older than the flags field: in_parent or present
            return e.getInParent() ? Residence.PARENT : Residence.PRESENT;
        }
        if ((flags & PE_PRESENT) != 0) {
            return Residence.PRESENT;
        }
        return (flags & PE_PARENT) != 0 ? Residence.PARENT : Residence.LAZY;
    }

    public int pagesId() {
        return pagesId;
    }

    public List<Run> runs() {
        return runs;
    }

    /** Bytes of memory stored in this checkpoint's pages file. */
    public long presentBytes() {
        return presentPages * PAGE_SIZE;
    }

    /** Bytes of memory the process had mapped and dumped, wherever they are stored. */
    public long totalBytes() {
        return totalPages * PAGE_SIZE;
    }
}

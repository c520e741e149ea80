package dev.amber.archive.memory;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.source.RandomAccessData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Delivers the present pages of one process to a consumer, reading only the wanted ranges: with random
 * access it reads just those bytes (a command line is a single page read from a 1 GiB archive); from a
 * stream it skips the rest without copying it anywhere.
 */
public final class PageFeeder {
    private static final int CHUNK = 1 << 20;

    private final byte[] buffer = new byte[CHUNK];

    public void feed(int pid, PageMap map, RandomAccessData pages, PageConsumer consumer) throws IOException {
        checkSize(pid, map, pages.size());
        List<AddressRange> wanted = consumer.ranges(pid);
        for (PageMap.Run run : map.runs()) {
            if (run.residence() != PageMap.Residence.PRESENT) {
                continue;
            }
            for (AddressRange part : intersect(run, wanted)) {
                long address = part.start();
                while (address < part.end()) {
                    int n = (int) Math.min(CHUNK, part.end() - address);
                    pages.read(run.fileOffset() + (address - run.address()), ByteBuffer.wrap(buffer, 0, n));
                    consumer.accept(pid, address, buffer, 0, n);
                    address += n;
                }
            }
        }
        consumer.endOfProcess(pid);
    }

    public void feed(int pid, PageMap map, InputStream pages, long size, PageConsumer consumer) throws IOException {
        checkSize(pid, map, size);
        List<AddressRange> wanted = consumer.ranges(pid);
        long position = 0;
        for (PageMap.Run run : map.runs()) {
            if (run.residence() != PageMap.Residence.PRESENT) {
                continue;
            }
            for (AddressRange part : intersect(run, wanted)) {
                long target = run.fileOffset() + (part.start() - run.address());
                skipFully(pages, target - position);
                position = target;
                long address = part.start();
                while (address < part.end()) {
                    int n = (int) Math.min(CHUNK, part.end() - address);
                    readFully(pages, n);
                    consumer.accept(pid, address, buffer, 0, n);
                    address += n;
                    position += n;
                }
            }
        }
        consumer.endOfProcess(pid);
    }

    private static void checkSize(int pid, PageMap map, long size) throws ArchiveException {
        if (size < map.presentBytes()) {
            throw new ArchiveException("pages-" + map.pagesId() + ".img of process " + pid + " holds " + size
                    + " bytes but its pagemap needs " + map.presentBytes());
        }
    }

    /** The parts of a present run inside the wanted ranges (all of it when {@code wanted} is null). */
    static List<AddressRange> intersect(PageMap.Run run, List<AddressRange> wanted) {
        if (wanted == null) {
            return List.of(new AddressRange(run.address(), run.end()));
        }
        ArrayList<AddressRange> parts = new ArrayList<>();
        for (AddressRange w : wanted) {
            AddressRange part = w.clip(run.address(), run.end());
            if (part != null) {
                parts.add(part);
            }
        }
        parts.sort(Comparator.comparingLong(AddressRange::start));
        return parts;
    }

    private void readFully(InputStream in, int n) throws IOException {
        int got = in.readNBytes(buffer, 0, n);
        if (got < n) {
            throw new ArchiveException("pages file ends before its pagemap says");
        }
    }

    private void skipFully(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            int step = (int) Math.min(buffer.length, left);
            int got = in.readNBytes(buffer, 0, step);
            if (got < step) {
                throw new ArchiveException("pages file ends before its pagemap says");
            }
            left -= got;
        }
    }
}

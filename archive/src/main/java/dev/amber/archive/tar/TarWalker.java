package dev.amber.archive.tar;

import dev.amber.archive.ArchiveException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Walks tar headers over any block source, resolving GNU long names and PAX extended headers. Shared by
 * the streaming reader (compressed archives) and the seeking indexer (plain tars), so both accept exactly
 * the same archives.
 */
public final class TarWalker {

    /** Where the walker gets its bytes. */
    public interface BlockSource {
        /** Fills {@code block}; returns false on a clean end of input before any byte of it. */
        boolean readBlock(byte[] block) throws IOException;

        /** Reads exactly {@code length} bytes (extension headers, which are small). */
        byte[] readBytes(int length) throws IOException;

        /** Moves past {@code length} bytes. */
        void skip(long length) throws IOException;

        /** Bytes consumed so far. */
        long position();
    }

    /** Extension headers beyond this are not names but an attack on memory. */
    private static final int MAX_EXTENSION_BYTES = 1 << 20;

    private final BlockSource source;
    private final byte[] block = new byte[TarHeaders.BLOCK];
    private boolean finished;

    public TarWalker(BlockSource source) {
        this.source = source;
    }

    /** The next entry, with the source positioned at its data; null at the end of the archive. */
    public TarEntry next() throws IOException {
        String longName = null;
        Long paxSize = null;
        while (!finished) {
            if (!source.readBlock(block)) {
                finished = true;
                return null;
            }
            if (TarHeaders.isZeroBlock(block)) {
                finished = true;
                return null;
            }
            if (!TarHeaders.looksLikeHeader(block)) {
                throw new ArchiveException("corrupt tar header at offset " + (source.position() - TarHeaders.BLOCK));
            }
            byte type = TarHeaders.type(block);
            long size;
            try {
                size = TarHeaders.size(block);
            } catch (IllegalArgumentException e) {
                throw new ArchiveException("corrupt tar header at offset " + (source.position() - TarHeaders.BLOCK));
            }
            switch (type) {
                case 'L' -> longName = trimNul(readExtension(size));
                case 'x' -> {
                    String pax = readExtension(size);
                    String path = paxValue(pax, "path");
                    if (path != null) {
                        longName = path;
                    }
                    String sizeValue = paxValue(pax, "size");
                    if (sizeValue != null) {
                        try {
                            paxSize = Long.parseLong(sizeValue);
                        } catch (NumberFormatException e) {
                            throw new ArchiveException("corrupt PAX size in tar header: " + sizeValue);
                        }
                    }
                }
                case 'g', 'K' -> skipData(size);
                default -> {
                    String raw = longName != null ? longName : TarHeaders.name(block);
                    long dataSize = paxSize != null ? paxSize : size;
                    if (dataSize < 0) {
                        throw new ArchiveException("negative entry size in tar header");
                    }
                    // Links, directories and devices carry no data whatever the size field says.
                    if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6') {
                        dataSize = 0;
                    }
                    return new TarEntry(EntryNames.normalise(raw), dataSize, type, source.position(), mtime(block));
                }
            }
        }
        return null;
    }

    /** Skips the data and padding of an entry the caller did not read (or read only part of). */
    public void skipRest(TarEntry entry) throws IOException {
        long end = entry.dataOffset() + entry.size() + TarHeaders.padding(entry.size());
        long remaining = end - source.position();
        if (remaining < 0) {
            throw new IllegalStateException("read past the end of tar entry " + entry.name());
        }
        source.skip(remaining);
    }

    private static long mtime(byte[] header) {
        try {
            return TarHeaders.parseNumber(header, 136, 12);
        } catch (IllegalArgumentException e) {
            return 0; // a bad timestamp is not worth refusing the archive for
        }
    }

    private String readExtension(long size) throws IOException {
        if (size > MAX_EXTENSION_BYTES) {
            throw new ArchiveException("tar extension header of " + size + " bytes is too large");
        }
        byte[] data = source.readBytes((int) size);
        source.skip(TarHeaders.padding(size));
        return new String(data, StandardCharsets.UTF_8);
    }

    private void skipData(long size) throws IOException {
        source.skip(size + TarHeaders.padding(size));
    }

    private static String trimNul(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** PAX records are "LEN key=value\n"; LEN counts the whole record. */
    static String paxValue(String pax, String key) throws ArchiveException {
        String found = null;
        int i = 0;
        while (i < pax.length()) {
            int space = pax.indexOf(' ', i);
            if (space < 0) {
                break;
            }
            int len;
            try {
                len = Integer.parseInt(pax.substring(i, space));
            } catch (NumberFormatException e) {
                throw new ArchiveException("corrupt PAX header record");
            }
            if (len <= 0 || i + len > pax.length()) {
                throw new ArchiveException("corrupt PAX header record");
            }
            String record = pax.substring(space + 1, i + len - 1);
            int eq = record.indexOf('=');
            if (eq > 0 && record.substring(0, eq).equals(key)) {
                found = record.substring(eq + 1);
            }
            i += len;
        }
        return found;
    }
}

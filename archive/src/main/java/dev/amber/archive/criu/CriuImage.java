package dev.amber.archive.criu;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.amber.archive.ArchiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One CRIU image file: magic numbers, then entries framed as a little-endian u32 size followed by a
 * protobuf message. Every malformed case becomes an {@link ArchiveException} naming the file.
 */
public final class CriuImage {
    private final String name;
    private final byte[] data;
    private final int bodyStart;

    private CriuImage(String name, byte[] data, int bodyStart) {
        this.name = name;
        this.data = data;
        this.bodyStart = bodyStart;
    }

    /** Checks the magic numbers of {@code data}, an image called {@code name} (e.g. {@code core-1.img}). */
    public static CriuImage parse(String name, byte[] data) throws ArchiveException {
        if (data.length < 4) {
            throw corrupt(name, "too short for a CRIU image");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int first = b.getInt(0);
        if (first == ImageMagic.INVENTORY) {
            return new CriuImage(name, data, 4);
        }
        if (first != ImageMagic.COMMON && first != ImageMagic.SERVICE) {
            throw corrupt(name, "not a CRIU image (bad magic 0x" + Integer.toHexString(first) + ")");
        }
        if (data.length < 8) {
            throw corrupt(name, "too short for a CRIU image");
        }
        int magic = b.getInt(4);
        Integer expected = ImageMagic.BY_PREFIX.get(ImageMagic.prefixOf(name));
        if (expected != null && expected != magic) {
            throw corrupt(name, "image magic 0x" + Integer.toHexString(magic) + " does not match its name");
        }
        return new CriuImage(name, data, 8);
    }

    public String name() {
        return name;
    }

    /** All entries decoded with {@code parser}. */
    public <T> List<T> messages(Parser<T> parser) throws ArchiveException {
        List<T> out = new ArrayList<>();
        int pos = bodyStart;
        while (pos < data.length) {
            int[] frame = frame(pos);
            out.add(decode(parser, frame[0], frame[1]));
            pos = frame[0] + frame[1];
        }
        return out;
    }

    /** The first entry, or null for an image without entries. */
    public <T> T first(Parser<T> parser) throws ArchiveException {
        if (bodyStart >= data.length) {
            return null;
        }
        int[] frame = frame(bodyStart);
        return decode(parser, frame[0], frame[1]);
    }

    /** A head entry of one type followed by entries of another, as in pagemap images. */
    public <H, T> HeadAndEntries<H, T> headAndEntries(Parser<H> headParser, Parser<T> parser) throws ArchiveException {
        if (bodyStart >= data.length) {
            throw corrupt(name, "has no head entry");
        }
        int[] frame = frame(bodyStart);
        H head = decode(headParser, frame[0], frame[1]);
        List<T> entries = new ArrayList<>();
        int pos = frame[0] + frame[1];
        while (pos < data.length) {
            int[] f = frame(pos);
            entries.add(decode(parser, f[0], f[1]));
            pos = f[0] + f[1];
        }
        return new HeadAndEntries<>(head, entries);
    }

    public record HeadAndEntries<H, T>(H head, List<T> entries) {}

    /** {start of message, length} of the entry whose size word is at {@code pos}. */
    private int[] frame(int pos) throws ArchiveException {
        if (data.length - pos < 4) {
            throw corrupt(name, "truncated entry header at offset " + pos);
        }
        long size = Integer.toUnsignedLong(
                ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (size > data.length - pos - 4) {
            throw corrupt(name, "entry at offset " + pos + " claims " + size + " bytes, beyond the end of the file");
        }
        return new int[] {pos + 4, (int) size};
    }

    private <T> T decode(Parser<T> parser, int offset, int length) throws ArchiveException {
        try {
            return parser.parseFrom(data, offset, length);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt(name, "undecodable entry at offset " + (offset - 4) + " (" + e.getMessage() + ")");
        }
    }

    private static ArchiveException corrupt(String name, String what) {
        return new ArchiveException("corrupt CRIU image " + name + ": " + what);
    }
}

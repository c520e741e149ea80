package dev.amber.archive.tar;

import dev.amber.archive.ArchiveException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists an uncompressed tar by reading only its headers and seeking past the data: a 1 GiB kubelet
 * archive is indexed by reading a few dozen blocks.
 */
public final class TarIndex {
    private TarIndex() {}

    public static List<TarEntry> scan(FileChannel channel) throws IOException {
        long fileSize = channel.size();
        SeekingSource source = new SeekingSource(channel, fileSize);
        TarWalker walker = new TarWalker(source);
        List<TarEntry> entries = new ArrayList<>();
        for (TarEntry e = walker.next(); e != null; e = walker.next()) {
            if (e.dataOffset() + e.size() > fileSize) {
                throw new ArchiveException("archive is truncated: " + e.name() + " needs " + (e.dataOffset() + e.size())
                        + " bytes, the file has " + fileSize);
            }
            entries.add(e);
            walker.skipRest(e);
        }
        return entries;
    }

    private static final class SeekingSource implements TarWalker.BlockSource {
        private final FileChannel channel;
        private final long size;
        private long position;

        SeekingSource(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        @Override
        public boolean readBlock(byte[] block) throws IOException {
            if (position >= size) {
                return false;
            }
            if (size - position < block.length) {
                throw new ArchiveException("archive is truncated (partial tar header at offset " + position + ")");
            }
            readFully(ByteBuffer.wrap(block));
            return true;
        }

        @Override
        public byte[] readBytes(int length) throws IOException {
            if (size - position < length) {
                throw new ArchiveException("archive is truncated inside a tar extension header");
            }
            byte[] data = new byte[length];
            readFully(ByteBuffer.wrap(data));
            return data;
        }

        private void readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new ArchiveException("archive is truncated at offset " + position);
                }
                position += n;
            }
        }

        @Override
        public void skip(long length) {
            position += length;
        }

        @Override
        public long position() {
            return position;
        }
    }
}

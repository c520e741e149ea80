package dev.amber.archive.tar;

import dev.amber.archive.ArchiveException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a tar sequentially from a stream (a decompressing one, typically). Each entry's data is offered
 * as a bounded stream; whatever the caller leaves unread is skipped when it moves on.
 */
public final class TarInputReader {
    private final CountingInput in;
    private final TarWalker walker;
    private TarEntry current;

    public TarInputReader(InputStream in) {
        this.in = new CountingInput(in);
        this.walker = new TarWalker(this.in);
    }

    public TarEntry next() throws IOException {
        if (current != null) {
            walker.skipRest(current);
        }
        current = walker.next();
        return current;
    }

    /** The current entry's remaining data. Closing it does not close the archive. */
    public InputStream entryStream() {
        TarEntry entry = current;
        if (entry == null) {
            throw new IllegalStateException("no current entry");
        }
        return new InputStream() {
            private long remaining() {
                return entry.dataOffset() + entry.size() - in.position;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                long left = remaining();
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new ArchiveException("archive is truncated inside " + entry.name());
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long step = Math.min(n, remaining());
                if (step <= 0) {
                    return 0;
                }
                in.skip(step);
                return step;
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, Math.max(0, remaining()));
            }
        };
    }

    /** Byte source that counts what it consumed, so entry boundaries are known without extra state. */
    private static final class CountingInput implements TarWalker.BlockSource {
        long position;
        private final InputStream in;
        private final byte[] scratch = new byte[1 << 20]; // large: skipping through a decompressor costs per call

        CountingInput(InputStream in) {
            this.in = in;
        }

        int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public boolean readBlock(byte[] block) throws IOException {
            int n = in.readNBytes(block, 0, block.length);
            position += n;
            if (n == 0) {
                return false;
            }
            if (n < block.length) {
                throw new ArchiveException(
                        "archive is truncated (partial tar header at offset " + (position - n) + ")");
            }
            return true;
        }

        @Override
        public byte[] readBytes(int length) throws IOException {
            byte[] data = in.readNBytes(length);
            position += data.length;
            if (data.length < length) {
                throw new ArchiveException("archive is truncated inside a tar extension header");
            }
            return data;
        }

        @Override
        public void skip(long length) throws IOException {
            long left = length;
            // InputStream.skip on decompressing streams may return short counts; read through instead.
            while (left > 0) {
                int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (n < 0) {
                    throw new EOFException("archive is truncated");
                }
                left -= n;
                position += n;
            }
        }

        @Override
        public long position() {
            return position;
        }
    }
}

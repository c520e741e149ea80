package dev.amber.archive.source;

import dev.amber.archive.ArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A window of a file channel: one tar member's data, read with positioned reads (no shared file pointer). */
final class ChannelSlice implements RandomAccessData {
    private final FileChannel channel;
    private final long offset;
    private final long size;

    ChannelSlice(FileChannel channel, long offset, long size) {
        this.channel = channel;
        this.offset = offset;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        if (position < 0 || position + dst.remaining() > size) {
            throw new ArchiveException(
                    "read past the end of an entry (offset " + position + ", entry size " + size + ")");
        }
        long at = offset + position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new ArchiveException("archive is truncated");
            }
            at += n;
        }
    }

    InputStream stream() {
        return new InputStream() {
            private long pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                ChannelSlice.this.read(pos, ByteBuffer.wrap(b, off, n));
                pos += n;
                return n;
            }

            @Override
            public long skip(long n) {
                long step = Math.max(0, Math.min(n, size - pos));
                pos += step;
                return step;
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, size - pos);
            }
        };
    }
}

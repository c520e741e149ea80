package dev.amber.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The bytes of a blob to store, readable again from any offset (for retries and resumed uploads). */
public interface BlobContent {
    long size();

    /** A stream of the bytes from {@code offset} to the end. */
    InputStream open(long offset) throws IOException;

    static BlobContent ofBytes(byte[] data) {
        return new BlobContent() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public InputStream open(long offset) {
                return new ByteArrayInputStream(data, (int) offset, data.length - (int) offset);
            }
        };
    }

    /** A file used as it is: the archive is never copied before it is sent. */
    static BlobContent ofFile(Path file, long size) {
        return new BlobContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open(long offset) throws IOException {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                return Channels.newInputStream(channel);
            }
        };
    }
}

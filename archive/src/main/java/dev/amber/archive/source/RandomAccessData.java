package dev.amber.archive.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Bytes of one entry that can be read at any offset: plain tars, directories and spilled entries. */
public interface RandomAccessData {
    long size();

    /** Fills {@code dst} completely from {@code position} of this entry. */
    void read(long position, ByteBuffer dst) throws IOException;

    /** {@code size} bytes of {@code channel} from {@code offset}, read with positioned reads. */
    static RandomAccessData of(FileChannel channel, long offset, long size) {
        return new ChannelSlice(channel, offset, size);
    }
}

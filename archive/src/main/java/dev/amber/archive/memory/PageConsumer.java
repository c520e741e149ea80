package dev.amber.archive.memory;

import java.io.IOException;
import java.util.List;

/**
 * Receives process memory during a read. Bytes arrive per process in ascending address order, in
 * chunks; consecutive chunks of one process are contiguous in memory only when {@code address} equals
 * the end of the previous chunk.
 */
public interface PageConsumer {
    /** True when this consumer needs the memory of {@code pid}. */
    boolean wants(int pid);

    /** The ranges of {@code pid}'s memory needed, or null for all present memory. */
    default List<AddressRange> ranges(int pid) {
        return null;
    }

    /** A chunk of memory; {@code buffer} is reused after the call returns. */
    void accept(int pid, long address, byte[] buffer, int offset, int length) throws IOException;

    /** All of {@code pid}'s wanted memory has been delivered. */
    default void endOfProcess(int pid) throws IOException {}
}

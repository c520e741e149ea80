package dev.amber.archive.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies small, known ranges of process memory (argv, envp) out of the pages as they go by. Bytes that
 * are not present in the checkpoint stay zero, which splits the strings there.
 */
public final class RangeCapture implements PageConsumer {
    /** Ranges larger than this are not strings a process was started with: refuse to buffer them. */
    private static final long MAX_RANGE = 4L << 20;

    private final Map<Integer, List<AddressRange>> wanted = new HashMap<>();
    private final Map<AddressRangeKey, byte[]> captured = new HashMap<>();

    private record AddressRangeKey(int pid, AddressRange range) {}

    /** Registers a range to capture; ranges that are empty or implausibly large are ignored. */
    public void add(int pid, AddressRange range) {
        if (range.length() <= 0 || range.length() > MAX_RANGE) {
            return;
        }
        wanted.computeIfAbsent(pid, k -> new ArrayList<>()).add(range);
        captured.put(new AddressRangeKey(pid, range), new byte[(int) range.length()]);
    }

    /** The captured bytes of a range registered with {@link #add}, or null. */
    public byte[] get(int pid, AddressRange range) {
        return captured.get(new AddressRangeKey(pid, range));
    }

    @Override
    public boolean wants(int pid) {
        return wanted.containsKey(pid);
    }

    @Override
    public List<AddressRange> ranges(int pid) {
        return wanted.getOrDefault(pid, List.of());
    }

    @Override
    public void accept(int pid, long address, byte[] buffer, int offset, int length) {
        long end = address + length;
        for (AddressRange r : wanted.getOrDefault(pid, List.of())) {
            AddressRange part = r.clip(address, end);
            if (part != null) {
                byte[] dst = captured.get(new AddressRangeKey(pid, r));
                System.arraycopy(
                        buffer, offset + (int) (part.start() - address), dst, (int) (part.start() - r.start()), (int)
                                part.length());
            }
        }
    }
}

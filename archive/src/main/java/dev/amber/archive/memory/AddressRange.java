package dev.amber.archive.memory;

/** Half-open range of virtual addresses {@code [start, end)}. */
public record AddressRange(long start, long end) {
    public long length() {
        return end - start;
    }

    /** The part of this range inside {@code [from, to)}, or null when they do not overlap. */
    public AddressRange clip(long from, long to) {
        long s = Math.max(start, from);
        long e = Math.min(end, to);
        return s < e ? new AddressRange(s, e) : null;
    }
}

package dev.amber.archive.memory;

/** Half-open range of virtual addresses {@code [start, end)}. */
public record AddressRange(long start, long end) {
    public long length() {
        return end - start;
    }
}

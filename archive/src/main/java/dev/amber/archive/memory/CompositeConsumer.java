package dev.amber.archive.memory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lets several consumers share one read of a process's pages: a streamed pages file can be read only
 * once, so the union of their ranges is read and each gets the parts it asked for.
 */
public final class CompositeConsumer implements PageConsumer {
    private final List<PageConsumer> consumers;

    public CompositeConsumer(List<PageConsumer> consumers) {
        this.consumers = List.copyOf(consumers);
    }

    @Override
    public boolean wants(int pid) {
        return consumers.stream().anyMatch(c -> c.wants(pid));
    }

    @Override
    public List<AddressRange> ranges(int pid) {
        List<AddressRange> union = new ArrayList<>();
        for (PageConsumer c : consumers) {
            if (!c.wants(pid)) {
                continue;
            }
            List<AddressRange> r = c.ranges(pid);
            if (r == null) {
                return null;
            }
            union.addAll(r);
        }
        union.sort(Comparator.comparingLong(AddressRange::start));
        List<AddressRange> merged = new ArrayList<>();
        for (AddressRange r : union) {
            if (!merged.isEmpty() && r.start() <= merged.get(merged.size() - 1).end()) {
                AddressRange last = merged.remove(merged.size() - 1);
                merged.add(new AddressRange(last.start(), Math.max(last.end(), r.end())));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    @Override
    public void accept(int pid, long address, byte[] buffer, int offset, int length) throws IOException {
        long end = address + length;
        for (PageConsumer c : consumers) {
            if (!c.wants(pid)) {
                continue;
            }
            List<AddressRange> wanted = c.ranges(pid);
            if (wanted == null) {
                c.accept(pid, address, buffer, offset, length);
                continue;
            }
            for (AddressRange w : wanted) {
                AddressRange part = w.clip(address, end);
                if (part != null) {
                    c.accept(pid, part.start(), buffer, offset + (int) (part.start() - address), (int) part.length());
                }
            }
        }
    }

    @Override
    public void endOfProcess(int pid) throws IOException {
        for (PageConsumer c : consumers) {
            if (c.wants(pid)) {
                c.endOfProcess(pid);
            }
        }
    }
}

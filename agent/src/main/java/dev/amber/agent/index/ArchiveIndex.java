package dev.amber.agent.index;

import dev.amber.retention.ArchiveRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every archive of one checkpoint directory, in memory, grouped by namespace (retention never counts
 * across namespaces, so a change is applied to its namespace alone), persisted through an
 * {@link IndexStore} when one is given.
 */
public final class ArchiveIndex implements AutoCloseable {
    private final IndexStore store;
    private final Map<String, ArchiveRecord> byFile = new HashMap<>();
    private final Map<String, Map<String, ArchiveRecord>> byNamespace = new HashMap<>();

    private ArchiveIndex(IndexStore store) {
        this.store = store;
    }

    /** An index that lives only as long as the process (one-shot runs). */
    public static ArchiveIndex inMemory() {
        return new ArchiveIndex(null);
    }

    /** Loads what the store holds. */
    public static ArchiveIndex open(IndexStore store) throws IOException {
        ArchiveIndex index = new ArchiveIndex(store);
        store.load().values().forEach(index::putInMemory);
        return index;
    }

    public synchronized ArchiveRecord get(String fileName) {
        return byFile.get(fileName);
    }

    public synchronized int size() {
        return byFile.size();
    }

    public synchronized List<ArchiveRecord> all() {
        return new ArrayList<>(byFile.values());
    }

    public synchronized List<ArchiveRecord> inNamespace(String namespace) {
        Map<String, ArchiveRecord> m = byNamespace.get(namespace);
        return m == null ? List.of() : new ArrayList<>(m.values());
    }

    public synchronized long totalBytes() {
        long total = 0;
        for (ArchiveRecord r : byFile.values()) {
            total += r.size();
        }
        return total;
    }

    public synchronized void put(ArchiveRecord record) throws IOException {
        if (record.equals(byFile.get(record.fileName()))) {
            return;
        }
        putInMemory(record);
        if (store != null) {
            store.appendPut(record);
        }
    }

    public synchronized ArchiveRecord remove(String fileName) throws IOException {
        ArchiveRecord old = byFile.remove(fileName);
        if (old != null) {
            Map<String, ArchiveRecord> ns = byNamespace.get(old.namespace());
            ns.remove(fileName);
            if (ns.isEmpty()) {
                byNamespace.remove(old.namespace());
            }
            if (store != null) {
                store.appendRemove(fileName);
            }
        }
        return old;
    }

    /** Makes the changes so far durable, compacting the log once it outgrows the index. */
    public synchronized void commit() throws IOException {
        if (store == null) {
            return;
        }
        // A quarter of the index in the log makes the next start replay a log as long as a quarter snapshot.
        if (store.logRecords() > Math.max(1024, byFile.size() / 4)) {
            store.compact(new ArrayList<>(byFile.values()));
        } else {
            store.sync();
        }
    }

    private void putInMemory(ArchiveRecord record) {
        ArchiveRecord old = byFile.put(record.fileName(), record);
        if (old != null && !old.namespace().equals(record.namespace())) {
            byNamespace.get(old.namespace()).remove(old.fileName());
        }
        byNamespace
                .computeIfAbsent(record.namespace(), k -> new LinkedHashMap<>())
                .put(record.fileName(), record);
    }

    @Override
    public synchronized void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }
}

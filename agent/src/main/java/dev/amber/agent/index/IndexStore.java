package dev.amber.agent.index;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.retention.ArchiveRecord;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists the index as a compacted snapshot plus an append-only log of changes, both JSON lines.
 *
 * <p>Crash safety: the snapshot is replaced only by write-to-temporary, fsync, atomic rename, fsync of
 * the directory; the log is appended and fsynced per batch. Replaying the log over the snapshot is
 * idempotent, so a crash between writing a new snapshot and truncating the log is harmless, and a torn
 * last log line (a crash mid-append) is ignored. The index is a cache of the directory: anything lost
 * is re-read on the next start.
 */
public final class IndexStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexStore.class);
    private static final String SNAPSHOT = "index.snapshot";
    private static final String LOG_FILE = "index.log";
    private static final int FORMAT = 1;
    private static final JsonFactory JSON = new JsonFactory();

    private final Path stateDir;
    private FileChannel log;
    private OutputStream logOut;
    private long logRecords;

    public IndexStore(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** What was stored, keyed by file name; empty on first start. */
    public Map<String, ArchiveRecord> load() throws IOException {
        if (!Files.isDirectory(stateDir)) {
            // Archive names and pod labels say what ran where: owner only, like the archives.
            Files.createDirectories(
                    stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Map<String, ArchiveRecord> records = new LinkedHashMap<>();
        Path snapshot = stateDir.resolve(SNAPSHOT);
        Path logFile = stateDir.resolve(LOG_FILE);
        try {
            if (Files.exists(snapshot)) {
                loadSnapshot(snapshot, records);
            }
            if (Files.exists(logFile)) {
                Replay replay = replay(logFile, records);
                logRecords = replay.records();
                if (replay.goodBytes() < Files.size(logFile)) {
                    // Cut the torn line off, or the next append would be glued to it.
                    try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
                        ch.truncate(replay.goodBytes());
                        ch.force(true);
                    }
                }
            }
        } catch (IOException e) {
            // The index is a cache of the directory: set a damaged one aside and rebuild from the archives.
            LOG.warn(
                    "index in {} is damaged ({}); moving it aside and reading the directory again",
                    stateDir,
                    e.getMessage());
            for (Path p : new Path[] {snapshot, logFile}) {
                if (Files.exists(p)) {
                    Files.move(p, p.resolveSibling(p.getFileName() + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            records.clear();
            logRecords = 0;
        }
        log = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        logOut = Channels.newOutputStream(log);
        return records;
    }

    public void appendPut(ArchiveRecord record) throws IOException {
        append(line(record, null));
    }

    public void appendRemove(String fileName) throws IOException {
        append(line(null, fileName));
    }

    /** Makes the appended changes durable. */
    public void sync() throws IOException {
        if (log != null) {
            log.force(false);
        }
    }

    /** Records since the last snapshot: the caller compacts when this grows past the index's size. */
    public long logRecords() {
        return logRecords;
    }

    /** Writes {@code records} as the new snapshot and starts an empty log. */
    public void compact(Iterable<ArchiveRecord> records) throws IOException {
        Path tmp = stateDir.resolve(SNAPSHOT + ".tmp");
        try (FileChannel ch = FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
            out.write(("{\"format\":" + FORMAT + "}\n").getBytes(StandardCharsets.UTF_8));
            for (ArchiveRecord r : records) {
                out.write(line(r, null));
            }
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, stateDir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE);
        ArchiveFiles.syncDirectory(stateDir);
        // The snapshot now holds everything the log said; a crash before this truncation replays it harmlessly.
        log.truncate(0);
        log.force(true);
        logRecords = 0;
    }

    private void append(byte[] line) throws IOException {
        logOut.write(line);
        logRecords++;
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.force(false);
            log.close();
        }
    }

    private record Replay(long records, long goodBytes) {}

    /** Replays the log; a bad last line is a crash mid-append (never acknowledged) and ends the replay. */
    private static Replay replay(Path file, Map<String, ArchiveRecord> records) throws IOException {
        long count = 0;
        long good = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
                if (line.isEmpty()) {
                    good += bytes;
                    continue;
                }
                try {
                    apply(line, records);
                    count++;
                    good += bytes;
                } catch (IOException | RuntimeException e) {
                    if (in.readLine() == null) {
                        break;
                    }
                    throw new IOException(
                            "index " + file + " is corrupt at record " + (count + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        return new Replay(count, Math.min(good, Files.size(file)));
    }

    /** A snapshot was renamed into place whole: one parser reads its records back to back. */
    private static void loadSnapshot(Path file, Map<String, ArchiveRecord> records) throws IOException {
        long count = 0;
        try (JsonParser p = JSON.createParser(Files.newInputStream(file))) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    throw new IOException("index " + file + " is corrupt at record " + (count + 1));
                }
                applyObject(p, records);
                count++;
            }
        }
    }

    private static void apply(String line, Map<String, ArchiveRecord> records) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            applyObject(p, records);
            if (p.nextToken() != null) {
                throw new IOException("more than one record on a line");
            }
        }
    }

    /** Reads one record; the parser stands on its START_OBJECT. */
    private static void applyObject(JsonParser p, Map<String, ArchiveRecord> records) throws IOException {
        {
            String file = null;
            String removed = null;
            long size = 0;
            long mtime = 0;
            String ns = null;
            String pod = null;
            String uid = null;
            String container = null;
            String engine = null;
            Instant checkpointed = null;
            Map<String, String> labels = new LinkedHashMap<>();
            String error = null;
            String exported = null;
            boolean pinned = false;
            boolean header = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "format" -> {
                        header = true;
                        if (p.getIntValue() != FORMAT) {
                            throw new IOException("unknown index format " + p.getIntValue());
                        }
                    }
                    case "remove" -> removed = p.getText();
                    case "file" -> file = p.getText();
                    case "size" -> size = p.getLongValue();
                    case "mtime" -> mtime = p.getLongValue();
                    case "ns" -> ns = p.getText();
                    case "pod" -> pod = p.getText();
                    case "uid" -> uid = p.getText();
                    case "container" -> container = p.getText();
                    case "engine" -> engine = p.getText();
                    case "time" -> checkpointed = Instant.ofEpochMilli(p.getLongValue());
                    case "error" -> error = p.getText();
                    case "exported" -> exported = p.getText();
                    case "pinned" -> pinned = p.getBooleanValue();
                    case "labels" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            p.nextToken();
                            labels.put(k, p.getText());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (header) {
                return;
            }
            if (removed != null) {
                records.remove(removed);
            } else if (file != null) {
                records.put(
                        file,
                        new ArchiveRecord(
                                file,
                                size,
                                mtime,
                                ns,
                                pod,
                                uid,
                                container,
                                engine,
                                checkpointed,
                                labels,
                                error,
                                exported,
                                pinned));
            } else {
                throw new IOException("record names no file");
            }
        }
    }

    private static byte[] line(ArchiveRecord r, String removed) throws IOException {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            if (removed != null) {
                g.writeStringField("remove", removed);
            } else {
                g.writeStringField("file", r.fileName());
                g.writeNumberField("size", r.size());
                g.writeNumberField("mtime", r.modifiedMillis());
                writeIfSet(g, "ns", r.namespace());
                writeIfSet(g, "pod", r.pod());
                writeIfSet(g, "uid", r.podUid());
                writeIfSet(g, "container", r.container());
                writeIfSet(g, "engine", r.engine());
                if (r.checkpointed() != null) {
                    g.writeNumberField("time", r.checkpointed().toEpochMilli());
                }
                if (!r.labels().isEmpty()) {
                    g.writeObjectFieldStart("labels");
                    for (var e : r.labels().entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
                writeIfSet(g, "error", r.error());
                writeIfSet(g, "exported", r.exportedTo());
                if (r.pinned()) {
                    g.writeBooleanField("pinned", true);
                }
            }
            g.writeEndObject();
        }
        w.write('\n');
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeIfSet(JsonGenerator g, String field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }
}

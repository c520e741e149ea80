package dev.amber.agent.retention;

import dev.amber.agent.index.ArchiveIndex;
import dev.amber.agent.metrics.AgentMetrics;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.Decision;
import dev.amber.retention.RetentionPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out the deletions of a {@link RetentionPlan}. Before deleting it checks that the file is still
 * the one the plan was made for (same size and modification time), so an archive replaced meanwhile is
 * never deleted on the strength of its predecessor's record.
 */
public final class RetentionExecutor {
    /** What happened to one planned deletion. */
    public record Outcome(Decision decision, boolean done, String failure) {}

    private final ArchiveFiles files;
    private final ArchiveIndex index;
    private final AgentMetrics metrics;

    public RetentionExecutor(ArchiveFiles files, ArchiveIndex index, AgentMetrics metrics) {
        this.files = files;
        this.index = index;
        this.metrics = metrics;
    }

    public List<Outcome> execute(RetentionPlan plan, boolean dryRun) throws IOException {
        List<Outcome> out = new ArrayList<>();
        for (Decision d : plan.deletions()) {
            if (dryRun) {
                out.add(new Outcome(d, false, null));
                continue;
            }
            ArchiveRecord r = d.archive();
            try {
                BasicFileAttributes attrs =
                        Files.readAttributes(files.resolve(r.fileName()), BasicFileAttributes.class);
                if (!r.sameFileAs(attrs.size(), attrs.lastModifiedTime().toMillis())) {
                    out.add(new Outcome(d, false, "changed since it was indexed; decided again on the next pass"));
                    continue;
                }
                files.delete(r.fileName());
                index.remove(r.fileName());
                if (metrics != null) {
                    metrics.deleted(d.reason());
                }
                out.add(new Outcome(d, true, null));
            } catch (NoSuchFileException e) {
                index.remove(r.fileName());
                out.add(new Outcome(d, false, "already gone"));
            } catch (IOException e) {
                out.add(new Outcome(d, false, e.getMessage()));
            }
        }
        index.commit();
        return out;
    }
}

package dev.amber.agent.metrics;

import dev.amber.agent.index.ArchiveIndex;
import dev.amber.retention.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** The agent's Prometheus metrics: what it holds, what it deleted and why, how exports went. */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer exports;
    private final Counter exportFailures;
    private final Counter archivesRead;
    private final Timer indexLatency;

    public AgentMetrics(ArchiveIndex index) {
        Gauge.builder("amber_checkpoint_archives", index, ArchiveIndex::size)
                .description("Checkpoint archives in the node's checkpoint directory")
                .register(registry);
        Gauge.builder("amber_checkpoint_archive_bytes", index, ArchiveIndex::totalBytes)
                .description("Bytes of checkpoint archives in the node's checkpoint directory")
                .baseUnit("bytes")
                .register(registry);
        exports = Timer.builder("amber_checkpoint_export")
                .description("Time to push and verify one archive")
                .register(registry);
        exportFailures = Counter.builder("amber_checkpoint_export_failures")
                .description("Exports that failed")
                .register(registry);
        archivesRead = Counter.builder("amber_checkpoint_archives_read")
                .description("Archives whose metadata was read (new or changed files)")
                .register(registry);
        indexLatency = Timer.builder("amber_checkpoint_index_latency")
                .description("From an archive being complete (size stable) to policies applied to it")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    public void indexed(Duration afterComplete) {
        indexLatency.record(afterComplete);
    }

    public void deleted(Decision.Reason reason) {
        Counter.builder("amber_checkpoint_deletions")
                .description("Archives deleted by retention, by reason")
                .tag("reason", reason.label())
                .register(registry)
                .increment();
    }

    public void exported(Duration took) {
        exports.record(took);
    }

    public void exportFailed() {
        exportFailures.increment();
    }

    public void archivesRead(int n) {
        archivesRead.increment(n);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}

package dev.amber.operator.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The operator's Prometheus metrics, recorded where the outcome is recorded (the status recorders), so
 * that a metric and a status never tell two stories: how long checkpoints took, end to end and per
 * container, and why the failed ones failed. Histograms, so that percentiles aggregate across replicas.
 */
public final class OperatorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * The process's own metrics too (heap, GC, threads, CPU): what the operator costs is read off the same
     * endpoint as what it does. Only for the process's registry, not for the tests' many instances.
     */
    public OperatorMetrics withJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        @SuppressWarnings("resource") // lives as long as the process; its GC listener needs no closing before exit
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return this;
    }

    /** From the Checkpoint's start (Running) to its end, by result (Succeeded or Failed). */
    public void checkpointFinished(String result, Duration took) {
        Timer.builder("amber_checkpoint_duration")
                .description("Time from a Checkpoint's start to its end")
                .tag("result", result)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /** One container's checkpoint (and export, when asked), as its node's agent took it. */
    public void containerCheckpointed(boolean exported, Duration took) {
        Timer.builder("amber_checkpoint_container_duration")
                .description("Time the agent took for one container's checkpoint, its export included")
                .tag("exported", Boolean.toString(exported))
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    public void checkpointFailed(String reason) {
        Counter.builder("amber_checkpoint_failures")
                .description("Checkpoints that failed, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** From the Restore's creation to its end, by result (Running or Failed). */
    public void restoreFinished(String result, Duration took) {
        Timer.builder("amber_restore_duration")
                .description("Time from a Restore's creation until its pod ran or it failed")
                .tag("result", result)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    public void restoreFailed(String reason) {
        Counter.builder("amber_restore_failures")
                .description("Restores that failed, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}

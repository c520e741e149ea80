package dev.amber.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
    @Test
    void theProcessesOwnCostIsOnTheSameEndpoint() {
        assertThat(new OperatorMetrics().withJvmMetrics().scrape())
                .contains("jvm_memory_used_bytes{area=\"heap\"")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads")
                .contains("process_cpu_usage");
        assertThat(new OperatorMetrics().scrape()).doesNotContain("jvm_memory_used_bytes");
    }
}

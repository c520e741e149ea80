package dev.amber.operator.status;

import dev.amber.api.v1alpha1.ConditionTypes;
import dev.amber.api.v1alpha1.ResourceStatus;
import dev.amber.kube.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * What every status recorder writes the same way: the Ready condition with the generation it speaks of,
 * and, on a phase change, an Event and a log line that name the resource.
 */
final class StatusNotes {
    private StatusNotes() {}

    /** Time since the resource was created (zero when the API server gave it no timestamp, or a clock lags). */
    static Duration age(HasMetadata resource, Clock clock) {
        String created = resource.getMetadata().getCreationTimestamp();
        if (created == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(Instant.parse(created), clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    static void ready(
            HasMetadata resource, ResourceStatus status, boolean ready, String reason, String message, Instant now) {
        Long generation = resource.getMetadata().getGeneration();
        status.observedGeneration = generation;
        Conditions.set(status.conditions, ConditionTypes.READY, ready, reason, message, generation, now);
    }

    static void announce(
            Events events, Logger log, HasMetadata resource, String reason, String message, boolean warning) {
        String name = resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
        if (warning) {
            log.warn("{}: {}: {}", name, reason, message);
            events.warning(resource, reason, message);
        } else {
            log.info("{}: {}: {}", name, reason, message);
            events.normal(resource, reason, message);
        }
    }
}

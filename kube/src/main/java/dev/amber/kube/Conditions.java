package dev.amber.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;

/** The one place conditions are set: the transition time changes only when the status does. */
public final class Conditions {
    private Conditions() {}

    public static void set(
            List<Condition> conditions,
            String type,
            boolean status,
            String reason,
            String message,
            Long observedGeneration,
            Instant now) {
        String value = status ? "True" : "False";
        Condition existing = conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
        String transition = existing != null && value.equals(existing.getStatus())
                ? existing.getLastTransitionTime()
                : now.toString();
        Condition next = new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transition)
                .build();
        if (existing != null) {
            conditions.set(conditions.indexOf(existing), next);
        } else {
            conditions.add(next);
        }
    }
}

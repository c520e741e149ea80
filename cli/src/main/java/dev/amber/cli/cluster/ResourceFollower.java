package dev.amber.cli.cluster;

import dev.amber.api.v1alpha1.ConditionTypes;
import dev.amber.api.v1alpha1.ResourceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Follows one amber.dev resource that a user command created until its phase is terminal, printing its
 * phase and its Ready condition's message once each time they change: what `--wait` shows. The
 * operator does the work; this only reads.
 *
 * @param <R> Checkpoint or Restore
 */
final class ResourceFollower<R extends CustomResource<?, ? extends ResourceStatus>> {
    private static final Duration POLL = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final Class<R> type;
    private final Function<R, Enum<?>> phase;
    private final Function<R, Boolean> terminal;

    /**
     * @param phase the resource's phase, or null before the operator wrote one
     * @param terminal whether that phase is the end
     */
    ResourceFollower(
            KubernetesClient client, Class<R> type, Function<R, Enum<?>> phase, Function<R, Boolean> terminal) {
        this.client = client;
        this.type = type;
        this.phase = phase;
        this.terminal = terminal;
    }

    /** The resource once finished; a one-line error after {@code wait} (the resource goes on) or if it is deleted. */
    R follow(R created, Duration wait, String waitText, PrintWriter err) throws InterruptedException {
        String kind = HasMetadata.getKind(type).toLowerCase(Locale.ROOT);
        String namespace = created.getMetadata().getNamespace();
        String name = created.getMetadata().getName();
        Instant deadline = Instant.now().plus(wait);
        String shown = "";
        while (true) {
            R now = client.resources(type).inNamespace(namespace).withName(name).get();
            if (now == null) {
                throw new IllegalStateException(
                        kind + " " + namespace + "/" + name + " was deleted while waiting for it");
            }
            String line = namespace + "/" + name + ": " + phaseOf(now)
                    + ready(now).map(c -> " (" + c.getMessage() + ")").orElse("");
            if (!line.equals(shown)) {
                err.println(line);
                err.flush();
                shown = line;
            }
            if (now.getStatus() != null && phase.apply(now) != null && terminal.apply(now)) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(kind + " " + namespace + "/" + name + " is still " + phaseOf(now)
                        + " after " + waitText + "; it goes on: kubectl get " + kind + " -n " + namespace + " " + name);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The Ready condition, which carries a failure's reason and message. */
    static Optional<Condition> ready(CustomResource<?, ? extends ResourceStatus> resource) {
        return resource.getStatus() == null
                ? Optional.empty()
                : resource.getStatus().conditions.stream()
                        .filter(c -> ConditionTypes.READY.equals(c.getType()))
                        .findFirst();
    }

    private String phaseOf(R resource) {
        Enum<?> p = resource.getStatus() == null ? null : phase.apply(resource);
        return p == null ? "waiting for the operator" : p.name();
    }
}

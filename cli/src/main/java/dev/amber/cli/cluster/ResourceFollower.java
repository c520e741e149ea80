package dev.amber.cli.cluster;

import dev.amber.api.v1alpha1.ConditionTypes;
import dev.amber.api.v1alpha1.ResourceStatus;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Follows one amber.dev resource that a user command created until its phase is terminal, printing its
 * phase and its Ready condition's message once each time they change: what `--wait` shows. Both phase
 * enums name their failure {@code Failed}. The
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

    /**
     * What a user command does once it created {@code created}: without {@code --wait}, say so and how
     * to follow it; with it, follow it to its end, {@code print} the result, and exit 1 with the Ready
     * condition's reason and message when it failed.
     *
     * @param command the command's name in error lines, e.g. {@code amber checkpoint}
     * @return the exit code
     */
    int report(
            String command,
            R created,
            boolean await,
            Duration wait,
            String waitText,
            OutputFormat format,
            PrintWriter out,
            PrintWriter err,
            Consumer<R> print)
            throws InterruptedException {
        String kind = HasMetadata.getKind(type).toLowerCase(Locale.ROOT);
        String namespace = created.getMetadata().getNamespace();
        String id = namespace + "/" + created.getMetadata().getName();
        if (!await) {
            if (format == OutputFormat.json) {
                JsonOutput.print(out, JsonOutput.object().put(kind, id));
            } else {
                out.println(kind + " " + id + " created; follow it with: kubectl get " + kind + " -n " + namespace + " "
                        + created.getMetadata().getName() + " -w");
                out.flush();
            }
            return 0;
        }
        R finished = follow(created, wait, waitText, err);
        print.accept(finished);
        if ("Failed".equals(phase.apply(finished).name())) {
            Condition ready = ready(finished).orElseThrow();
            err.println(command + ": " + id + " failed: " + ready.getReason() + ": " + ready.getMessage());
            err.flush();
            return 1;
        }
        return 0;
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

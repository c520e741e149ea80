package dev.amber.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events written as core/v1 Events. An Event is a courtesy: one that cannot be written is logged and
 * dropped, never a reason to fail a reconcile (the status says the same).
 */
public final class KubernetesEvents implements Events {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
    private static final String COMPONENT = "amber-operator";

    private final KubernetesClient client;

    public KubernetesEvents(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void normal(HasMetadata resource, String reason, String message) {
        write(resource, "Normal", reason, message);
    }

    @Override
    public void warning(HasMetadata resource, String reason, String message) {
        write(resource, "Warning", reason, message);
    }

    private void write(HasMetadata resource, String type, String reason, String message) {
        String namespace = resource.getMetadata().getNamespace();
        String now = Instant.now().toString();
        try {
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(resource.getMetadata().getName() + "."
                                    + UUID.randomUUID().toString().substring(0, 8))
                            .withNamespace(namespace)
                            .endMetadata()
                            .withInvolvedObject(new ObjectReferenceBuilder()
                                    .withApiVersion(resource.getApiVersion())
                                    .withKind(resource.getKind())
                                    .withName(resource.getMetadata().getName())
                                    .withNamespace(namespace)
                                    .withUid(resource.getMetadata().getUid())
                                    .build())
                            .withType(type)
                            .withReason(reason)
                            .withMessage(message)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withCount(1)
                            .withNewSource(COMPONENT, null)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "{}/{}: cannot write event {}: {}",
                    namespace,
                    resource.getMetadata().getName(),
                    reason,
                    e.getMessage());
        }
    }
}

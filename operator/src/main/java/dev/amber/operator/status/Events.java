package dev.amber.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Kubernetes Events about a resource, which {@code kubectl describe} shows beside its status. */
public interface Events {
    void normal(HasMetadata resource, String reason, String message);

    void warning(HasMetadata resource, String reason, String message);
}

package dev.amber.agent.retention;

import dev.amber.retention.LivePods;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link LivePods} from Kubernetes objects: from a file written by
 * {@code kubectl get pods,namespaces -A -o json} (or just pods) or from an informer's cache.
 */
public final class LivePodsFiles {
    private LivePodsFiles() {}

    public static LivePods read(Path file) throws IOException {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = new KubernetesSerialization().unmarshal(in);
            if (parsed instanceof KubernetesList list) {
                items = list.getItems();
            } else if (parsed instanceof io.fabric8.kubernetes.api.model.PodList pods) {
                items = List.copyOf(pods.getItems());
            } else if (parsed instanceof HasMetadata one) {
                items = List.of(one);
            } else {
                throw new IOException(file + " holds no Kubernetes list (use kubectl get pods,namespaces -A -o json)");
            }
        } catch (NoSuchFileException e) {
            throw new IOException("live pods file " + file + " does not exist");
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a Kubernetes list: " + e.getMessage(), e);
        }
        List<Pod> pods = items.stream()
                .filter(Pod.class::isInstance)
                .map(Pod.class::cast)
                .toList();
        List<Namespace> namespaces = items.stream()
                .filter(Namespace.class::isInstance)
                .map(Namespace.class::cast)
                .toList();
        return of(pods, namespaces.isEmpty() ? null : namespaces);
    }

    /**
     * @param namespaces null when unknown: the pods' namespaces are then taken as the live ones
     */
    public static LivePods of(Collection<Pod> pods, Collection<Namespace> namespaces) {
        Map<String, LivePods.Pod> byName = new HashMap<>();
        Set<String> live = new HashSet<>();
        for (Pod p : pods) {
            String ns = p.getMetadata().getNamespace();
            Set<String> containers = new LinkedHashSet<>();
            if (p.getSpec() != null) {
                p.getSpec().getContainers().stream().map(Container::getName).forEach(containers::add);
                p.getSpec().getInitContainers().stream().map(Container::getName).forEach(containers::add);
            }
            byName.put(
                    ns + "/" + p.getMetadata().getName(),
                    new LivePods.Pod(
                            ns,
                            p.getMetadata().getName(),
                            p.getMetadata().getUid(),
                            containers,
                            p.getMetadata().getLabels() == null
                                    ? Map.of()
                                    : p.getMetadata().getLabels()));
            live.add(ns);
        }
        if (namespaces != null) {
            live.clear();
            namespaces.forEach(n -> live.add(n.getMetadata().getName()));
        }
        return new LivePods(byName, live);
    }
}

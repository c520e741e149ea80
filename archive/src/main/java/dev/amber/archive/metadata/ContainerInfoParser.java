package dev.amber.archive.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.archive.ArchiveException;
import dev.amber.archive.Engine;
import dev.amber.archive.model.ContainerInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link ContainerInfo} from the metadata files of any of the three engines. Each engine keeps the
 * container, pod and namespace names under its own annotation keys; this class is the one place that
 * knows them.
 */
public final class ContainerInfoParser {
    private ContainerInfoParser() {}

    /**
     * @param files small metadata files by name; {@code config.dump} and {@code spec.dump} are required
     * @param archive the archive's path (its file name is a fallback source for kubelet archives)
     * @param checkpointMtime modification time of the CRIU images, used when the engine recorded none
     */
    public static ContainerInfo parse(Map<String, byte[]> files, Path archive, Instant checkpointMtime)
            throws ArchiveException {
        byte[] configBytes = files.get(MetadataFiles.CONFIG_DUMP);
        byte[] specBytes = files.get(MetadataFiles.SPEC_DUMP);
        if (configBytes == null && specBytes == null) {
            throw new ArchiveException("not a container checkpoint: config.dump and spec.dump are missing");
        }
        if (configBytes == null) {
            throw new ArchiveException("config.dump is missing");
        }
        if (specBytes == null) {
            throw new ArchiveException("spec.dump is missing");
        }
        JsonNode config = Json.parse(MetadataFiles.CONFIG_DUMP, configBytes);
        JsonNode spec = Json.parse(MetadataFiles.SPEC_DUMP, specBytes);
        if (!config.isObject()) {
            throw new ArchiveException("config.dump is not a JSON object");
        }
        if (!spec.isObject()) {
            throw new ArchiveException("spec.dump is not a JSON object");
        }
        Map<String, String> annotations = Json.stringMap(spec.path("annotations"));
        boolean containerdLayout = files.containsKey(MetadataFiles.CONTAINERD_STATUS_DUMP)
                || files.containsKey(MetadataFiles.CONTAINERD_STATUS);
        Engine engine = Engine.fromManagerAnnotation(annotations.get("io.container.manager"), containerdLayout);

        String name = Json.text(config, "name");
        Map<String, String> labels = Json.stringMap(config.path("labels"));
        String pod = null;
        String namespace = null;
        String podUid = null;
        String ip = null;
        Instant created = Json.time(Json.text(config, "createdTime"));
        switch (engine) {
            case CRIO -> {
                JsonNode meta = Json.parseEmbedded(annotations.get("io.kubernetes.cri-o.Metadata"));
                String metaName = Json.text(meta, "name");
                name = metaName != null ? metaName : name;
                pod = annotations.get("io.kubernetes.pod.name");
                namespace = annotations.get("io.kubernetes.pod.namespace");
                podUid = annotations.get("io.kubernetes.pod.uid");
                ip = annotations.get("io.kubernetes.cri-o.IP.0");
                // CRI-O keeps the pod's labels as a JSON object in an annotation.
                labels.putAll(Json.stringMap(Json.parseEmbedded(annotations.get("io.kubernetes.cri-o.Labels"))));
                // The annotation, not config.dump's createdTime (CRI-O stamps that some milliseconds
                // later): the annotation is the creation time checkpointctl shows for CRI-O archives.
                Instant annotated = Json.time(annotations.get("io.kubernetes.cri-o.Created"));
                created = annotated != null ? annotated : created;
            }
            case CONTAINERD -> {
                String containerName = annotations.get("io.kubernetes.cri.container-name");
                name = containerName != null ? containerName : name;
                pod = annotations.get("io.kubernetes.cri.sandbox-name");
                namespace = annotations.get("io.kubernetes.cri.sandbox-namespace");
                podUid = annotations.get("io.kubernetes.cri.sandbox-uid");
            }
            default -> {}
        }

        Instant checkpointed = Json.time(Json.text(config, "checkpointedTime"));
        KubeletFileName kubelet = archive == null
                ? null
                : KubeletFileName.parse(archive.getFileName().toString());
        if (kubelet != null) {
            if (pod == null) {
                pod = kubelet.pod();
            }
            if (name == null && namespace != null) {
                name = kubelet.container(namespace);
            }
            if (checkpointed == null) {
                checkpointed = kubelet.time();
            }
        }
        if (checkpointed == null) {
            // Podman records no checkpoint time; the CRIU images were written at that moment.
            checkpointed = checkpointMtime;
        }

        List<ContainerInfo.Network> networks = networks(files.get(MetadataFiles.NETWORK_STATUS));
        String mac = null;
        if (ip == null) {
            for (ContainerInfo.Network n : networks) {
                for (ContainerInfo.NetworkInterface i : n.interfaces().values()) {
                    if (ip == null && i.ip() != null) {
                        ip = i.ip().replaceFirst("/\\d+$", "");
                        mac = i.mac();
                    }
                }
            }
        }

        String image = firstNonNull(Json.text(config, "rootfsImageName"), Json.text(config, "rootfsImage"));
        String imageRef = firstNonNull(Json.text(config, "rootfsImageRef"), Json.text(config, "rootfsImageID"));
        return new ContainerInfo(
                name,
                Json.text(config, "id"),
                image,
                imageRef,
                Json.text(config, "runtime"),
                engine,
                created,
                checkpointed,
                pod,
                namespace,
                podUid,
                ip,
                mac,
                networks,
                annotations,
                labels,
                mounts(spec));
    }

    /** Podman's network.status: {network: {interfaces: {eth0: {subnets: [{ipnet, gateway}], mac_address}}}}. */
    static List<ContainerInfo.Network> networks(byte[] data) throws ArchiveException {
        List<ContainerInfo.Network> out = new ArrayList<>();
        if (data == null) {
            return out;
        }
        JsonNode root = Json.parse(MetadataFiles.NETWORK_STATUS, data);
        root.properties().forEach(net -> {
            Map<String, ContainerInfo.NetworkInterface> interfaces = new LinkedHashMap<>();
            net.getValue().path("interfaces").properties().forEach(itf -> {
                JsonNode subnet = itf.getValue().path("subnets").path(0);
                interfaces.put(
                        itf.getKey(),
                        new ContainerInfo.NetworkInterface(
                                Json.text(subnet, "ipnet"),
                                Json.text(itf.getValue(), "mac_address"),
                                Json.text(subnet, "gateway")));
            });
            out.add(new ContainerInfo.Network(net.getKey(), interfaces));
        });
        return out;
    }

    private static List<ContainerInfo.SpecMount> mounts(JsonNode spec) {
        List<ContainerInfo.SpecMount> out = new ArrayList<>();
        for (JsonNode m : spec.path("mounts")) {
            List<String> options = new ArrayList<>();
            m.path("options").forEach(o -> options.add(o.asText()));
            out.add(new ContainerInfo.SpecMount(
                    Json.text(m, "destination"), Json.text(m, "type"), Json.text(m, "source"), options));
        }
        return out;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}

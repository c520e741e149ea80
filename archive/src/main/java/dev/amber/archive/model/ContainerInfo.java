package dev.amber.archive.model;

import dev.amber.archive.Engine;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the engine recorded about the checkpointed container ({@code config.dump}, {@code spec.dump},
 * {@code network.status}, and for kubelet archives the file name). Absent values are null.
 */
public record ContainerInfo(
        String name,
        String id,
        String image,
        String imageRef,
        String runtime,
        Engine engine,
        Instant created,
        Instant checkpointed,
        String pod,
        String namespace,
        String podUid,
        String ip,
        String mac,
        List<Network> networks,
        Map<String, String> annotations,
        Map<String, String> labels,
        List<SpecMount> mounts) {

    public record Network(String name, Map<String, NetworkInterface> interfaces) {}

    /** @param ip address with prefix length, as the network recorded it ({@code 10.88.0.5/16}) */
    public record NetworkInterface(String ip, String mac, String gateway) {}

    /** A mount from the OCI runtime spec. */
    public record SpecMount(String destination, String type, String source, List<String> options) {}
}

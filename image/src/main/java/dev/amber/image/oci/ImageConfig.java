package dev.amber.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.image.ImageException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The image configuration blob. For a checkpoint image only the platform and {@code rootfs.diff_ids}
 * matter to runtimes: each diff_id is the sha256 of a layer's uncompressed tar, which is how
 * containers/storage and containerd check what they unpacked.
 */
public record ImageConfig(String architecture, String os, Instant created, List<String> diffIds) {
    public ImageConfig {
        diffIds = List.copyOf(diffIds);
    }

    public byte[] toJson() {
        ObjectNode root = Json.object();
        if (created != null) {
            root.put("created", created.toString());
        }
        root.put("architecture", architecture);
        root.put("os", os);
        root.putObject("config");
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        ObjectNode history = root.putArray("history").addObject();
        if (created != null) {
            history.put("created", created.toString());
        }
        history.put("created_by", "amber image push");
        history.put("comment", "checkpoint archive as the only layer");
        return Json.bytes(root);
    }

    public static ImageConfig parse(byte[] data, String where) throws ImageException {
        JsonNode root = Json.parse(data, "config of " + where);
        List<String> ids = new ArrayList<>();
        for (JsonNode id : root.path("rootfs").path("diff_ids")) {
            ids.add(Digests.checked(id.asText(), "config of " + where));
        }
        Instant created = null;
        if (root.hasNonNull("created")) {
            try {
                created = Instant.parse(root.get("created").asText());
            } catch (DateTimeParseException e) {
                created = null; // other tools write odd dates; the field is informational
            }
        }
        return new ImageConfig(
                root.path("architecture").asText(""), root.path("os").asText(""), created, ids);
    }

    /** The platform name the OCI spec uses for the JVM's architecture. */
    public static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
    }
}

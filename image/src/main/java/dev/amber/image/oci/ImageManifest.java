package dev.amber.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.image.ImageException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image manifest. Amber writes OCI manifests only (CRI-O reads checkpoint annotations from nothing
 * else); reading also accepts Docker v2 manifests so that images from other tools can be inspected.
 */
public record ImageManifest(
        String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    public ImageManifest {
        layers = List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** The exact bytes to push; their sha256 is the manifest's digest. Annotations keep the caller's order. */
    public static byte[] toJson(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        ObjectNode root = Json.object();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_MANIFEST);
        root.set("config", descriptorNode(config));
        ArrayNode layerNodes = root.putArray("layers");
        layers.forEach(l -> layerNodes.add(descriptorNode(l)));
        if (!annotations.isEmpty()) {
            root.set("annotations", Json.stringMapNode(annotations));
        }
        return Json.bytes(root);
    }

    static ObjectNode descriptorNode(Descriptor d) {
        ObjectNode node = Json.object();
        node.put("mediaType", d.mediaType());
        node.put("digest", d.digest());
        node.put("size", d.size());
        if (!d.annotations().isEmpty()) {
            node.set("annotations", Json.stringMapNode(d.annotations()));
        }
        return node;
    }

    /** Parses a manifest fetched from a registry or layout, checking what later steps rely on. */
    public static ImageManifest parse(byte[] data, String where) throws ImageException {
        JsonNode root = Json.parse(data, "manifest of " + where);
        String mediaType = root.path("mediaType").asText(MediaTypes.OCI_MANIFEST);
        if (mediaType.equals(MediaTypes.OCI_INDEX)
                || mediaType.equals(MediaTypes.DOCKER_LIST)
                || root.has("manifests")) {
            throw new ImageException(where + " is a multi-platform index, not a checkpoint image");
        }
        if (!mediaType.equals(MediaTypes.OCI_MANIFEST) && !mediaType.equals(MediaTypes.DOCKER_MANIFEST)) {
            throw new ImageException(where + " has an unsupported manifest type " + mediaType);
        }
        if (root.path("schemaVersion").asInt() != 2) {
            throw new ImageException(where + " is not a schema 2 manifest");
        }
        Descriptor config = descriptor(root.path("config"), where + " config");
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            layers.add(descriptor(layer, where + " layer"));
        }
        return new ImageManifest(mediaType, config, layers, Json.stringMap(root.get("annotations")));
    }

    static Descriptor descriptor(JsonNode node, String where) throws ImageException {
        if (!node.isObject()) {
            throw new ImageException(where + " descriptor is missing");
        }
        String digest = Digests.checked(node.path("digest").asText(null), where);
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw new ImageException(where + " descriptor has no size");
        }
        return new Descriptor(node.path("mediaType").asText(""), digest, size, Json.stringMap(node.get("annotations")));
    }
}

package dev.amber.image.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.oci.Digests;
import dev.amber.image.oci.Json;
import dev.amber.image.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The {@code index.json} of an OCI image layout: which manifest each tag names. */
final class LayoutIndex {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final byte[] OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    record Entry(String mediaType, String digest, long size, String tag) {}

    private final List<Entry> entries;

    LayoutIndex(List<Entry> entries) {
        this.entries = new ArrayList<>(entries);
    }

    static LayoutIndex empty() {
        return new LayoutIndex(List.of());
    }

    static LayoutIndex parse(byte[] data, String where) throws ImageException {
        JsonNode root = Json.parse(data, "index.json of " + where);
        List<Entry> entries = new ArrayList<>();
        for (JsonNode m : root.path("manifests")) {
            String digest = Digests.checked(m.path("digest").asText(null), "index.json of " + where);
            String tag = m.path("annotations").path(REF_NAME).asText(null);
            entries.add(new Entry(
                    m.path("mediaType").asText(MediaTypes.OCI_MANIFEST),
                    digest,
                    m.path("size").asLong(),
                    tag));
        }
        return new LayoutIndex(entries);
    }

    /** Points {@code tag} at a manifest; a previous manifest of that tag loses the tag. */
    void tag(String tag, String mediaType, String digest, long size) {
        entries.removeIf(e -> tag != null && tag.equals(e.tag()));
        entries.add(new Entry(mediaType, digest, size, tag));
    }

    /** The manifest a tag or digest names; {@code latest} also means the only image of a one-image layout. */
    Entry find(String reference, String where) throws ImageException {
        for (Entry e : entries) {
            if (reference.equals(e.tag()) || reference.equals(e.digest())) {
                return e;
            }
        }
        if (reference.equals(ImageReference.DEFAULT_TAG) && entries.size() == 1) {
            return entries.get(0);
        }
        throw new ImageException(where + " has no image tagged " + reference
                + (entries.isEmpty()
                        ? " (the layout is empty)"
                        : " (tags: " + entries.stream().map(Entry::tag).toList() + ")"));
    }

    byte[] toJson() {
        ObjectNode root = Json.object();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = root.putArray("manifests");
        for (Entry e : entries) {
            ObjectNode m = manifests.addObject();
            m.put("mediaType", e.mediaType());
            m.put("digest", e.digest());
            m.put("size", e.size());
            if (e.tag() != null) {
                m.putObject("annotations").put(REF_NAME, e.tag());
            }
        }
        return Json.bytes(root);
    }
}

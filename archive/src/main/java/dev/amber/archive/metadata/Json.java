package dev.amber.archive.metadata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.archive.ArchiveException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lenient reading of the engines' JSON metadata files: absent or odd fields become null, never a crash.
 *
 * <p>The tree is built from jackson-core's streaming parser rather than by an {@code ObjectMapper}:
 * creating the first mapper costs more than reading every metadata file of a small archive (its date
 * formats pull in the JDK's locale data), and {@code amber show} pays it on every run.
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static JsonNode parse(String fileName, byte[] data) throws ArchiveException {
        if (data == null) {
            return MissingNode.getInstance();
        }
        try (JsonParser parser = FACTORY.createParser(data)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ArchiveException(fileName + " is empty");
            }
            return readValue(parser, first);
        } catch (JsonProcessingException e) {
            throw new ArchiveException(fileName + " is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (ArchiveException e) {
            throw e;
        } catch (IOException e) {
            throw new ArchiveException(fileName + " cannot be read: " + e.getMessage());
        }
    }

    /** JSON held in a string (CRI-O's annotations carry some); anything unreadable is simply absent. */
    public static JsonNode parseEmbedded(String json) {
        if (json == null) {
            return MissingNode.getInstance();
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            return first == null ? MissingNode.getInstance() : readValue(parser, first);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Builds the tree without recursion, so a hostile file nested a million deep cannot overflow the stack. */
    private static JsonNode readValue(JsonParser parser, JsonToken first) throws IOException {
        if (!first.isStructStart()) {
            return scalar(parser, first);
        }
        Deque<ContainerNode<?>> open = new ArrayDeque<>();
        ContainerNode<?> root = first == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        open.push(root);
        for (JsonToken token = parser.nextToken(); !open.isEmpty(); token = parser.nextToken()) {
            if (token == null) {
                throw new JsonProcessingException("unexpected end of input", parser.currentLocation()) {};
            }
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                open.pop();
                continue;
            }
            ContainerNode<?> parent = open.peek();
            String name = null;
            if (parent instanceof ObjectNode) {
                name = parser.currentName();
                token = parser.nextToken();
            }
            JsonNode value = token == JsonToken.START_OBJECT
                    ? NODES.objectNode()
                    : token == JsonToken.START_ARRAY ? NODES.arrayNode() : scalar(parser, token);
            if (parent instanceof ObjectNode object) {
                object.set(name, value);
            } else {
                ((ArrayNode) parent).add(value);
            }
            if (value instanceof ContainerNode<?> container) {
                open.push(container);
            }
        }
        return root;
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? NODES.numberNode(parser.getBigIntegerValue())
                        : NODES.numberNode(parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonProcessingException("unexpected " + token, parser.currentLocation()) {};
        };
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() && !v.asText().isEmpty() ? v.asText() : null;
    }

    public static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.isObject()) {
            node.properties()
                    .forEach(e -> out.put(
                            e.getKey(),
                            e.getValue().isValueNode()
                                    ? e.getValue().asText()
                                    : e.getValue().toString()));
        }
        return out;
    }

    /** RFC 3339 with any offset; Go's zero time ("0001-01-01T00:00:00Z") means unset. */
    public static Instant time(String value) {
        if (value == null || value.isBlank() || value.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

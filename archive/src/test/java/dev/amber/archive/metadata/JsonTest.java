package dev.amber.archive.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.archive.ArchiveException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static JsonNode parse(String json) throws ArchiveException {
        return Json.parse("config.dump", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void buildsTheSameTreeAsJacksonWouldForEveryKindOfValue() throws Exception {
        JsonNode node = parse("""
                {"name": "ctr", "n": 42, "big": 18446744073709551615, "f": 1.5, "t": true, "no": false,
                 "nil": null, "list": [1, "two", {"three": [3]}], "empty": {}, "none": []}""");
        assertThat(node.path("name").asText()).isEqualTo("ctr");
        assertThat(node.path("n").asLong()).isEqualTo(42);
        assertThat(node.path("big").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(node.path("f").asDouble()).isEqualTo(1.5);
        assertThat(node.path("t").asBoolean()).isTrue();
        assertThat(node.path("no").asBoolean(true)).isFalse();
        assertThat(node.path("nil").isNull()).isTrue();
        assertThat(node.path("list").path(2).path("three").path(0).asInt()).isEqualTo(3);
        assertThat(node.path("empty").isObject()).isTrue();
        assertThat(node.path("none").isArray()).isTrue();
        assertThat(Json.text(node, "nil")).isNull();
        assertThat(parse("[1,[2,[3]]]").path(1).path(1).path(0).asInt()).isEqualTo(3);
        assertThat(parse("\"just a string\"").asText()).isEqualTo("just a string");
    }

    @Test
    void aHostileNestingDepthIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        // jackson-core's own nesting limit (1000) answers first; either way, one ArchiveException.
        assertThatThrownBy(() -> parse(deep))
                .isInstanceOf(ArchiveException.class)
                .hasMessageContaining("config.dump");
    }

    @Test
    void emptyTruncatedAndInvalidInputAreOneLineErrors() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(ArchiveException.class).hasMessage("config.dump is empty");
        assertThatThrownBy(() -> parse("{\"a\": [1, 2"))
                .isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith("config.dump is not valid JSON");
        assertThatThrownBy(() -> parse("{\"a\" 1}"))
                .isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith("config.dump is not valid JSON");
    }

    @Test
    void embeddedJsonThatDoesNotParseIsAbsent() {
        assertThat(Json.parseEmbedded("{\"name\":\"main\"}").path("name").asText())
                .isEqualTo("main");
        assertThat(Json.parseEmbedded("{broken").isMissingNode()).isTrue();
        assertThat(Json.parseEmbedded(null).isMissingNode()).isTrue();
    }
}

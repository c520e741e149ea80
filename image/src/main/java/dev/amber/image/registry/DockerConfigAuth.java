package dev.amber.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Registry credentials from a {@code kubernetes.io/dockerconfigjson} Secret's {@code .dockerconfigjson}, for one
 * operation: written to an auth file that is owner-only from its creation and deleted on {@link #close}, holding
 * only the {@code auths} (no {@code credsStore} or {@code credHelpers}, which would run programs named by whoever
 * wrote the Secret).
 *
 * <p>The text is a credential: no message here quotes it, not even a parser's.
 */
public final class DockerConfigAuth implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private DockerConfigAuth(Path file) {
        this.file = file;
    }

    /**
     * The auth file for {@code dockerConfigJson} in {@code directory} (in memory, where the process has such a
     * place); null {@code dockerConfigJson} gives an anonymous one.
     *
     * @throws IOException naming what is wrong with the text, without quoting it
     */
    public static DockerConfigAuth write(Path directory, String dockerConfigJson) throws IOException {
        ObjectNode content = JSON.createObjectNode();
        content.set("auths", dockerConfigJson == null ? JSON.createObjectNode() : auths(dockerConfigJson));
        Path path = Files.createTempFile(
                directory,
                "amber-auth-",
                ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(path, JSON.writeValueAsBytes(content));
        } catch (IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        return new DockerConfigAuth(path);
    }

    /** Checks the text as {@link #write} reads it. */
    public static void check(String dockerConfigJson) throws IOException {
        auths(dockerConfigJson);
    }

    public Path file() {
        return file;
    }

    /** The file as the registry client reads it; an empty environment, so no credential helper is found on PATH. */
    public AuthFiles authFiles() {
        return new AuthFiles(List.of(file), true, Map.of());
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }

    private static ObjectNode auths(String dockerConfigJson) throws IOException {
        JsonNode config;
        try {
            config = JSON.readTree(dockerConfigJson);
        } catch (IOException e) {
            throw new IOException("export.dockerConfigJson is not JSON");
        }
        if (config == null || !config.isObject() || !config.path("auths").isObject()) {
            throw new IOException(
                    "export.dockerConfigJson is not a docker config (a JSON object with an \"auths\" object)");
        }
        return (ObjectNode) config.get("auths");
    }
}

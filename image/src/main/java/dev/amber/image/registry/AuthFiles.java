package dev.amber.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.oci.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds credentials in the auth files Podman, Skopeo, Buildah and Docker write, in the order
 * containers/image reads them: an explicit {@code --authfile} alone when given; otherwise
 * {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json},
 * {@code ~/.config/containers/auth.json}, {@code ~/.docker/config.json} (or {@code $DOCKER_CONFIG/config.json}).
 *
 * <p>Within a file, as Docker documents it: a {@code credHelpers} entry for the registry's host wins,
 * then the {@code credsStore} default helper, then {@code auths}; a file that names a helper for the
 * registry leaves {@code auths} aside. In {@code auths} the most specific key wins: {@code host/repo/path},
 * then its parent paths, then {@code host}, then Docker's URL forms; an entry's {@code identitytoken}
 * comes before its user and password, as in Docker. A helper that has nothing for the registry sends the
 * search on to the next file (containers/image's rule; Docker reads only one file), and when no file has
 * anything the registry is tried anonymously.
 *
 * <p>Before all that, containers-registries.conf may set {@code credential-helpers}: helpers to ask,
 * in order, and {@code containers-auth.json} for where the files above come in (see {@link RegistriesConf});
 * as in containers/image. An explicit {@code --authfile} is the only place looked at.
 */
public final class AuthFiles {
    private static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

    private final List<Path> files;
    private final boolean explicit;
    private final Map<String, String> env;
    private final List<Path> registriesConf;

    /**
     * @param explicit the user named the file: a missing file is then an error, not a skipped entry
     * @param env the environment credential helpers run with ({@code PATH} finds them)
     */
    public AuthFiles(List<Path> files, boolean explicit, Map<String, String> env) {
        this(files, explicit, env, List.of());
    }

    /**
     * @param registriesConf the containers-registries.conf files whose {@code credential-helpers} say
     *     where to look, auth files or helpers, and in which order (see {@link RegistriesConf})
     */
    AuthFiles(List<Path> files, boolean explicit, Map<String, String> env, List<Path> registriesConf) {
        this.files = List.copyOf(files);
        this.explicit = explicit;
        this.env = Map.copyOf(env);
        this.registriesConf = List.copyOf(registriesConf);
    }

    /**
     * The standard search, in the order containers-registries.conf's {@code credential-helpers} sets;
     * or just {@code explicit} when the user named a file.
     */
    public static AuthFiles standard(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            return new AuthFiles(List.of(explicit), true, env);
        }
        List<Path> files = new ArrayList<>();
        if (env.get("REGISTRY_AUTH_FILE") != null
                && !env.get("REGISTRY_AUTH_FILE").isBlank()) {
            files.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        }
        if (env.get("XDG_RUNTIME_DIR") != null && !env.get("XDG_RUNTIME_DIR").isBlank()) {
            files.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        if (home != null) {
            files.add(Path.of(home, ".config", "containers", "auth.json"));
        }
        String dockerConfig = env.get("DOCKER_CONFIG");
        if (dockerConfig != null && !dockerConfig.isBlank()) {
            files.add(
                    Path.of(dockerConfig, "config.json")); // Docker's own override, which containers/image honours too
        } else if (home != null) {
            files.add(Path.of(home, ".docker", "config.json"));
        }
        return new AuthFiles(files, false, env, RegistriesConf.files(env));
    }

    public List<Path> files() {
        return files;
    }

    /** Credentials for the reference's registry and repository, if any file or helper has them. */
    public Optional<Credentials> lookup(ImageReference ref) throws ImageException {
        if (!ref.isRegistry()) {
            return Optional.empty();
        }
        RegistriesConf.CredentialOrder order = RegistriesConf.credentialOrder(registriesConf);
        // As containers/image does: a place that fails does not stop the search; its error counts only
        // when no other place has credentials.
        ImageException firstFailure = null;
        for (String entry : order.entries()) {
            try {
                Optional<Credentials> found = entry.equals(RegistriesConf.AUTH_FILES)
                        ? fromFiles(ref)
                        : new CredentialHelper(entry, "credential-helpers in " + order.setIn())
                                .get(helperServerAddress(ref.registry()), env);
                if (found.isPresent()) {
                    return found;
                }
            } catch (ImageException e) {
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return Optional.empty();
    }

    private Optional<Credentials> fromFiles(ImageReference ref) throws ImageException {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                if (explicit) {
                    throw new ImageException("auth file " + file + " does not exist");
                }
                continue;
            }
            JsonNode config = read(file);
            CredentialHelper helper = helperFor(config, ref.registry(), file);
            if (helper != null) {
                Optional<Credentials> found = helper.get(helperServerAddress(ref.registry()), env);
                if (found.isPresent()) {
                    return found;
                }
                continue;
            }
            JsonNode auths = config.path("auths");
            for (String key : candidateKeys(ref)) {
                JsonNode entry = auths.get(key);
                if (entry != null && entry.isObject()) {
                    Credentials c = decode(entry, file, key);
                    if (c != null) {
                        return Optional.of(c);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The file's {@code credHelpers} entry for the registry, else its {@code credsStore}, else null. */
    static CredentialHelper helperFor(JsonNode config, String registry, Path file) throws ImageException {
        JsonNode helpers = config.path("credHelpers");
        for (String key : helperKeys(registry)) {
            JsonNode name = helpers.get(key);
            if (name != null && name.isTextual() && !name.asText().isBlank()) {
                return new CredentialHelper(name.asText().strip(), "credHelpers \"" + key + "\" in " + file);
            }
        }
        JsonNode store = config.get("credsStore");
        if (store != null && store.isTextual() && !store.asText().isBlank()) {
            return new CredentialHelper(store.asText().strip(), "credsStore in " + file);
        }
        return null;
    }

    private static List<String> helperKeys(String registry) {
        return registry.equals("docker.io")
                ? List.of("docker.io", "index.docker.io", DOCKER_HUB_SERVER)
                : List.of(registry);
    }

    /** What a helper is asked for: the registry's host[:port], or for Docker Hub the URL {@code docker login} stores it under. */
    static String helperServerAddress(String registry) {
        return registry.equals("docker.io") ? DOCKER_HUB_SERVER : registry;
    }

    /** Keys to try, most specific first. */
    static List<String> candidateKeys(ImageReference ref) {
        List<String> keys = new ArrayList<>();
        String registry = ref.registry();
        String path = registry + "/" + ref.repository();
        while (true) {
            keys.add(path);
            int slash = path.lastIndexOf('/');
            if (slash <= registry.length() - 1) {
                break;
            }
            path = path.substring(0, slash);
            if (path.equals(registry)) {
                break;
            }
        }
        keys.add(registry);
        keys.add("https://" + registry);
        keys.add("http://" + registry);
        keys.add("https://" + registry + "/v1/");
        keys.add("https://" + registry + "/v2/");
        if (registry.equals("docker.io")) {
            keys.add("https://index.docker.io/v1/");
            keys.add("index.docker.io");
            keys.add("registry-1.docker.io");
        }
        return keys;
    }

    private static JsonNode read(Path file) throws ImageException {
        try {
            return Json.parse(Files.readAllBytes(file), "auth file " + file);
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageException("cannot read auth file " + file + ": " + e.getMessage());
        }
    }

    private static Credentials decode(JsonNode entry, Path file, String key) throws ImageException {
        String identityToken = entry.path("identitytoken").asText("");
        if (!identityToken.isEmpty()) {
            return Credentials.identityToken(identityToken, file.toString());
        }
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String plain;
            try {
                plain = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ImageException(
                        "auth file " + file + ": entry '" + key + "' has an auth value that is not base64");
            }
            int colon = plain.indexOf(':');
            if (colon < 0) {
                throw new ImageException("auth file " + file + ": entry '" + key + "' is not user:password");
            }
            return Credentials.basic(plain.substring(0, colon), plain.substring(colon + 1), file.toString());
        }
        if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
            return Credentials.basic(
                    entry.get("username").asText(), entry.get("password").asText(), file.toString());
        }
        return null;
    }
}

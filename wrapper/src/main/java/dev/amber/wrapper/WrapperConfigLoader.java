package dev.amber.wrapper;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds and reads the wrapper's YAML config. Unknown keys are errors, not warnings: a misspelt
 * {@code tcpEstablished} would otherwise silently drop every connection at the first restore.
 */
public final class WrapperConfigLoader {

    /** Amber's own location first, then crik's, so a crik image works unchanged. */
    public static final List<Path> DEFAULT_LOCATIONS =
            List.of(Path.of("/etc/amber/config.yaml"), Path.of("/etc/crik/config.yaml"));

    private static final Pattern GHOST_LIMIT = Pattern.compile("[0-9]+[KMG]?");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private WrapperConfigLoader() {}

    /** The explicit file when given, otherwise the first default location that exists. */
    public static WrapperConfig load(Optional<Path> explicit) {
        if (explicit.isPresent()) {
            return load(explicit.get());
        }
        for (Path candidate : DEFAULT_LOCATIONS) {
            if (Files.isRegularFile(candidate)) {
                return load(candidate);
            }
        }
        throw new WrapperException("no config file: pass --config FILE or create "
                + DEFAULT_LOCATIONS.stream().map(Path::toString).collect(Collectors.joining(" or ")));
    }

    public static WrapperConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new WrapperException("config " + file + ": no such file");
        } catch (IOException e) {
            throw new WrapperException("config " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses and validates; {@code source} names the config in error messages. */
    public static WrapperConfig parse(String yaml, String source) {
        if (yaml.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
            throw new WrapperException("config " + source + ": empty; at least imageDir is needed");
        }
        WrapperConfig config;
        try {
            config = YAML.readValue(yaml, WrapperConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).collect(Collectors.toCollection(TreeSet::new)).toString();
            throw new WrapperException("config " + source + ": unknown key '" + e.getPropertyName() + "'"
                    + lineOfKey(yaml, e.getPropertyName()) + "; known keys: " + known.replaceAll("[\\[\\]]", ""));
        } catch (InvalidFormatException e) {
            throw new WrapperException("config " + source + ": " + path(e) + at(e.getLocation())
                    + ": '" + e.getValue() + "' is not " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw new WrapperException("config " + source + ": " + path(e) + at(e.getLocation()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("invalid value"));
        } catch (JacksonException e) {
            throw new WrapperException("config " + source + ": not valid YAML" + at(e.getLocation()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (config == null) {
            throw new WrapperException("config " + source + ": empty; at least imageDir is needed");
        }
        validate(config, source);
        return config;
    }

    private static void validate(WrapperConfig config, String source) {
        String prefix = "config " + source + ": ";
        if (config.imageDir() == null) {
            throw new WrapperException(prefix + "imageDir is required (the directory, usually a volume, that holds checkpoints)");
        }
        requireAbsolute(prefix, "imageDir", List.of(config.imageDir()));
        requireAbsolute(prefix, "additionalPaths", config.additionalPaths());
        requireAbsolute(prefix, "inotifyIncompatiblePaths", config.inotifyIncompatiblePaths());
        requireAbsolute(prefix, "externalMounts", config.externalMounts());
        if (config.nodeStateServerURL() != null) {
            String scheme = config.nodeStateServerURL().getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new WrapperException(prefix + "nodeStateServerURL must be an http:// or https:// URL, not '"
                        + config.nodeStateServerURL() + "'");
            }
        }
        if (config.checkpointOn() == CheckpointOn.NODE_SHUTDOWN && config.nodeStateServerURL() == null) {
            throw new WrapperException(prefix + "checkpointOn: node-shutdown needs nodeStateServerURL");
        }
        if (!WrapperConfig.CGROUP_MODES.contains(config.manageCgroups())) {
            throw new WrapperException(prefix + "manageCgroups '" + config.manageCgroups() + "' is not one of "
                    + String.join(", ", new TreeSet<>(WrapperConfig.CGROUP_MODES)));
        }
        if (config.ghostLimit() != null && !GHOST_LIMIT.matcher(config.ghostLimit()).matches()) {
            throw new WrapperException(prefix + "ghostLimit '" + config.ghostLimit()
                    + "' must be a size in bytes, optionally with K, M or G (e.g. 64M)");
        }
    }

    private static void requireAbsolute(String prefix, String key, List<Path> paths) {
        for (Path p : paths) {
            if (!p.isAbsolute()) {
                throw new WrapperException(prefix + key + " entry '" + p + "' must be an absolute path");
            }
        }
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "value" : path;
    }

    /** The parser reports where it stopped, often the next line; the key's own line is clearer. */
    private static String lineOfKey(String yaml, String key) {
        Pattern keyLine = Pattern.compile("^\\s*(- )?\"?" + Pattern.quote(key) + "\"?\\s*:");
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (keyLine.matcher(lines.get(i)).find()) {
                return " (line " + (i + 1) + ")";
            }
        }
        return "";
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ")";
    }

    private static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c instanceof CheckpointOn on ? on.yamlName()
                            : c instanceof IfNodeStateUnknown u ? u.yamlName() : c.toString())
                    .collect(Collectors.joining(", "));
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a valid " + type.getSimpleName();
    }
}

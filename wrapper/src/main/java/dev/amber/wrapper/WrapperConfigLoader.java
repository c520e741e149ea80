package dev.amber.wrapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Finds and reads the wrapper's YAML config. Unknown keys are errors, not warnings: a misspelt
 * {@code tcpEstablished} would otherwise silently drop every connection at the first restore.
 * Parsed with SnakeYAML into plain maps and checked key by key, which gives exact messages and
 * keeps start-up fast (no data-binding framework to initialise).
 */
public final class WrapperConfigLoader {

    /** Amber's own location first, then crik's, so a crik image works unchanged. */
    public static final List<Path> DEFAULT_LOCATIONS =
            List.of(Path.of("/etc/amber/config.yaml"), Path.of("/etc/crik/config.yaml"));

    static final List<String> KEYS = List.of(
            "imageDir",
            "additionalPaths",
            "inotifyIncompatiblePaths",
            "nodeStateServerURL",
            "checkpointOn",
            "ifNodeStateUnknown",
            "freshStartOnRestoreFailure",
            "tcpEstablished",
            "tcpClose",
            "fileLocks",
            "extUnixSockets",
            "manageCgroups",
            "ghostLimit",
            "externalMounts");

    private static final Pattern GHOST_LIMIT = Pattern.compile("[0-9]+[KMG]?");

    private WrapperConfigLoader() {}

    /**
     * A config as read from its file. The text is kept because a checkpoint records it: the launcher
     * starts a restore early only while the config is still the one the checkpoint was made under.
     */
    public record ConfigFile(Path path, String text, WrapperConfig config) {}

    /** The explicit file when given, otherwise the first default location that exists. */
    public static ConfigFile load(Optional<Path> explicit) {
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

    public static ConfigFile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new WrapperException("config " + file + ": no such file");
        } catch (IOException e) {
            throw new WrapperException("config " + file + ": cannot read: " + e.getMessage(), e);
        }
        return new ConfigFile(file, text, parse(text, file.toString()));
    }

    /** YAML (or JSON) text as plain maps, lists and scalars; {@code null} for an empty document. */
    static Object readYaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options)).load(text);
    }

    /** Parses and validates; {@code source} names the config in error messages. */
    public static WrapperConfig parse(String yaml, String source) {
        Object document;
        try {
            document = readYaml(yaml);
        } catch (MarkedYAMLException e) {
            throw new WrapperException("config " + source + ": not valid YAML (line "
                    + (e.getProblemMark().getLine() + 1) + "): " + e.getProblem());
        } catch (YAMLException e) {
            throw new WrapperException("config " + source + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (document == null) {
            throw new WrapperException("config " + source + ": empty; at least imageDir is needed");
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new WrapperException("config " + source + ": must be a mapping of keys to values");
        }
        Fields f = new Fields(map, yaml, "config " + source + ": ");
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new WrapperException(f.prefix + "unknown key '" + key + "'" + f.line(String.valueOf(key))
                        + "; known keys: " + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        WrapperConfig config = new WrapperConfig(
                f.path("imageDir"),
                f.paths("additionalPaths"),
                f.paths("inotifyIncompatiblePaths"),
                f.url("nodeStateServerURL"),
                f.choice("checkpointOn", CheckpointOn.values(), CheckpointOn::yamlName),
                f.choice("ifNodeStateUnknown", IfNodeStateUnknown.values(), IfNodeStateUnknown::yamlName),
                f.bool("freshStartOnRestoreFailure"),
                f.bool("tcpEstablished"),
                f.bool("tcpClose"),
                f.bool("fileLocks"),
                f.bool("extUnixSockets"),
                f.string("manageCgroups"),
                f.size("ghostLimit"),
                f.paths("externalMounts"));
        validate(config, f.prefix);
        return config;
    }

    /** Typed access to the document's values, each failure naming the key and its line. */
    private record Fields(Map<?, ?> map, String yaml, String prefix) {

        private WrapperException wrong(String key, Object value, String expected) {
            return new WrapperException(prefix + key + line(key) + ": '" + value + "' is not " + expected);
        }

        String line(String key) {
            Pattern keyLine = Pattern.compile("^\\s*\"?" + Pattern.quote(key) + "\"?\\s*:");
            List<String> lines = yaml.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (keyLine.matcher(lines.get(i)).find()) {
                    return " (line " + (i + 1) + ")";
                }
            }
            return "";
        }

        String string(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw wrong(key, v, "a single value");
            }
            return String.valueOf(v);
        }

        Path path(String key) {
            String v = string(key);
            return v == null ? null : toPath(key, v);
        }

        private Path toPath(String key, String v) {
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                throw wrong(key, v, "a path");
            }
        }

        List<Path> paths(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> list)) {
                throw wrong(key, v, "a list of paths");
            }
            List<Path> paths = new ArrayList<>();
            for (Object item : list) {
                if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
                    throw wrong(key, item, "a path");
                }
                paths.add(toPath(key, String.valueOf(item)));
            }
            return paths;
        }

        Boolean bool(String key) {
            Object v = map.get(key);
            if (v == null || v instanceof Boolean) {
                return (Boolean) v;
            }
            throw wrong(key, v, "true or false");
        }

        URI url(String key) {
            String v = string(key);
            try {
                return v == null ? null : new URI(v);
            } catch (URISyntaxException e) {
                throw wrong(key, v, "a URL");
            }
        }

        String size(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            String s = String.valueOf(v);
            if (!(v instanceof Number || v instanceof String)
                    || !GHOST_LIMIT.matcher(s).matches()) {
                throw wrong(key, v, "a size in bytes, optionally with K, M or G (e.g. 64M)");
            }
            return s;
        }

        <E> E choice(String key, E[] values, Function<E, String> name) {
            String v = string(key);
            if (v == null) {
                return null;
            }
            return Arrays.stream(values)
                    .filter(e -> name.apply(e).equals(v))
                    .findFirst()
                    .orElseThrow(() -> wrong(
                            key, v, "one of " + Arrays.stream(values).map(name).collect(Collectors.joining(", "))));
        }
    }

    private static void validate(WrapperConfig config, String prefix) {
        if (config.imageDir() == null) {
            throw new WrapperException(
                    prefix + "imageDir is required (the directory, usually a volume, that holds checkpoints)");
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
        if (config.tcpEstablished() && config.tcpClose()) {
            throw new WrapperException(prefix + "tcpEstablished and tcpClose exclude each other: connections are either"
                    + " restored open (same IP address) or closed (a new pod)");
        }
        if (!WrapperConfig.CGROUP_MODES.contains(config.manageCgroups())) {
            throw new WrapperException(prefix + "manageCgroups '" + config.manageCgroups() + "' is not one of "
                    + String.join(", ", new TreeSet<>(WrapperConfig.CGROUP_MODES)));
        }
    }

    private static void requireAbsolute(String prefix, String key, List<Path> paths) {
        for (Path p : paths) {
            if (!p.isAbsolute()) {
                throw new WrapperException(prefix + key + " entry '" + p + "' must be an absolute path");
            }
        }
    }
}

package dev.amber.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amber.api.v1alpha1.RuntimeCapability;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * What a runtime can do with checkpoints, worked out from what it says of itself: pure functions over its
 * version and configuration, so that every rule is unit-tested on the exact text the runtimes send.
 *
 * <p>The rules, from the runtimes' sources (shared/notes/operator-facts.md, section 7):
 *
 * <ul>
 *   <li>containerd checkpoints from 2.0 unless {@code enable_criu = false}; it restores a container created
 *       from a checkpoint image from 2.1, behind {@code enable_experimental_restore_via_create} (off by
 *       default) once that setting exists (2.2.7, 2.3), and not at all from 2.4.
 *   <li>CRI-O follows {@code [crio.checkpoint_restore] container_level_enabled} ({@code none},
 *       {@code checkpoint_only} (its new default), {@code checkpoint_restore}) where it has that setting, and
 *       {@code [crio.runtime] enable_criu_support} for both before.
 * </ul>
 */
public final class RuntimeCapabilities {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTAINERD_SECTION = "[plugins.\"io.containerd.cri.v1.runtime\"]";

    private RuntimeCapabilities() {}

    /**
     * containerd's capability.
     *
     * @param version its version ({@code v2.3.7})
     * @param configJson {@code info["config"]} of its verbose CRI Status: the CRI plugin's configuration
     */
    public static RuntimeCapability containerd(String version, String configJson, Instant now) {
        JsonNode config;
        try {
            config = configJson == null ? JSON.createObjectNode() : JSON.readTree(configJson);
        } catch (IOException e) {
            return unknown("containerd", version, "its CRI configuration is not JSON: " + e.getMessage(), now);
        }
        boolean criu = !config.path("enableCRIU").isBoolean()
                || config.path("enableCRIU").asBoolean();
        if (older(version, 2, 0)) {
            return new RuntimeCapability(
                    "containerd",
                    version,
                    false,
                    "containerd before 2.0 does not checkpoint containers",
                    RuntimeCapability.NO_RESTORE,
                    "containerd before 2.1 does not restore containers",
                    "upgrade containerd to 2.1 - 2.3",
                    now.toString());
        }
        if (!criu) {
            String off = "CRIU support is off (enable_criu = false)";
            return new RuntimeCapability(
                    "containerd",
                    version,
                    false,
                    off,
                    RuntimeCapability.NO_RESTORE,
                    off,
                    "set enable_criu = true in " + CONTAINERD_SECTION
                            + " of containerd's config and restart containerd",
                    now.toString());
        }
        JsonNode gate = config.path("enableExperimentalRestoreViaCreate");
        if (older(version, 2, 1)) {
            return checkpointOnly(
                    "containerd",
                    version,
                    "containerd before 2.1 does not restore containers",
                    "upgrade containerd to" + " 2.1 - 2.3",
                    now);
        }
        if (gate.isBoolean() && !gate.asBoolean()) {
            return checkpointOnly(
                    "containerd",
                    version,
                    "restore through CreateContainer is off (enable_experimental_restore_via_create = false, containerd's"
                            + " default since 2.3)",
                    "set enable_experimental_restore_via_create = true in " + CONTAINERD_SECTION
                            + " of containerd's config and restart containerd",
                    now);
        }
        if (!gate.isBoolean() && !older(version, 2, 4)) {
            return checkpointOnly(
                    "containerd",
                    version,
                    "containerd 2.4 removed restore through CreateContainer; its successor is Kubernetes' pod-level"
                            + " restore (CRI RestorePod), which Amber does not use yet",
                    "run containerd 2.3 with enable_experimental_restore_via_create = true on the nodes that restore",
                    now);
        }
        return restores("containerd", version, now);
    }

    /**
     * CRI-O's capability.
     *
     * @param version its version ({@code 1.34.0})
     * @param configToml its configuration as {@code crio status config} prints it; empty when it could not be read
     */
    public static RuntimeCapability crio(String version, Optional<String> configToml, Instant now) {
        if (configToml.isEmpty()) {
            return unknown("cri-o", version, "its configuration could not be read (GET /config on its socket)", now);
        }
        String toml = configToml.get();
        Optional<String> level = TomlKeys.value(toml, "crio.checkpoint_restore", "container_level_enabled");
        if (level.isPresent()) {
            String setting = "[crio.checkpoint_restore] container_level_enabled = \"" + level.get() + "\"";
            String remedy = "set container_level_enabled = \"checkpoint_restore\" in [crio.checkpoint_restore] of"
                    + " CRI-O's config and restart CRI-O";
            return switch (level.get()) {
                case "checkpoint_restore" -> restores("cri-o", version, now);
                case "checkpoint_only" ->
                    checkpointOnly("cri-o", version, "restore is off (" + setting + ", CRI-O's default)", remedy, now);
                default ->
                    new RuntimeCapability(
                            "cri-o",
                            version,
                            false,
                            "checkpointing is off (" + setting + ")",
                            RuntimeCapability.NO_RESTORE,
                            "restore is off (" + setting + ")",
                            remedy,
                            now.toString());
            };
        }
        boolean criu = TomlKeys.value(toml, "crio.runtime", "enable_criu_support")
                .map(Boolean::parseBoolean)
                .orElse(false);
        if (criu) {
            return restores("cri-o", version, now);
        }
        String off = "CRIU support is off ([crio.runtime] enable_criu_support = false)";
        return new RuntimeCapability(
                "cri-o",
                version,
                false,
                off,
                RuntimeCapability.NO_RESTORE,
                off,
                "set enable_criu_support = true in [crio.runtime] of CRI-O's config and restart CRI-O",
                now.toString());
    }

    /**
     * A runtime Amber has no rules for, or one that could not be asked (runtime null): nothing is claimed for it.
     */
    public static RuntimeCapability unknown(String runtime, String version, String why, Instant now) {
        String reason = runtime == null
                ? "the node's runtime could not be asked: " + why
                : runtime + " " + (version == null ? "" : version + " ") + "cannot be relied on to restore: " + why;
        return new RuntimeCapability(
                runtime, version, false, reason, RuntimeCapability.NO_RESTORE, reason, null, now.toString());
    }

    private static RuntimeCapability restores(String runtime, String version, Instant now) {
        return new RuntimeCapability(
                runtime, version, true, null, RuntimeCapability.CREATE_CONTAINER, null, null, now.toString());
    }

    private static RuntimeCapability checkpointOnly(
            String runtime, String version, String reason, String remedy, Instant now) {
        return new RuntimeCapability(
                runtime, version, true, null, RuntimeCapability.NO_RESTORE, reason, remedy, now.toString());
    }

    /** Whether {@code version} (v1.2.3, 1.2, 2.3.7-rc.1) is before {@code major.minor}; an unreadable one is not. */
    static boolean older(String version, int major, int minor) {
        if (version == null) {
            return false;
        }
        String[] parts = version.replaceFirst("^v", "").split("[.\\-+]");
        try {
            int actualMajor = Integer.parseInt(parts[0]);
            int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return actualMajor < major || actualMajor == major && actualMinor < minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

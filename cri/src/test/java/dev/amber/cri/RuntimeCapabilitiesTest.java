package dev.amber.cri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.api.v1alpha1.RuntimeCapability;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeCapabilitiesTest {
    private static final Instant NOW = Instant.parse("2026-12-08T01:00:00Z");

    @Test
    void containerd23WithTheOptInRestores() {
        RuntimeCapability c = RuntimeCapabilities.containerd(
                "v2.3.7", "{\"enableCRIU\":true,\"enableExperimentalRestoreViaCreate\":true}", NOW);
        assertThat(c.canRestore()).isTrue();
        assertThat(c.checkpoint()).isTrue();
        assertThat(c.restoreReason()).isNull();
        assertThat(c.observedAt()).isEqualTo("2026-12-08T01:00:00Z");
    }

    @Test
    void containerd23WithoutTheOptInCheckpointsOnlyAndSaysHowToEnable() {
        RuntimeCapability c = RuntimeCapabilities.containerd(
                "v2.3.7", "{\"enableCRIU\":null,\"enableExperimentalRestoreViaCreate\":false}", NOW);
        assertThat(c.checkpoint()).isTrue();
        assertThat(c.restoreBackend()).isEqualTo(RuntimeCapability.NO_RESTORE);
        assertThat(c.restoreReason()).contains("enable_experimental_restore_via_create = false");
        assertThat(c.remedy()).contains("enable_experimental_restore_via_create = true");
    }

    @Test
    void containerdBeforeTheGateRestoresAndAfterItsRemovalDoesNot() {
        assertThat(RuntimeCapabilities.containerd("v2.1.4", "{}", NOW).canRestore())
                .isTrue();
        RuntimeCapability removed = RuntimeCapabilities.containerd("v2.4.0", "{\"enableCRIU\":true}", NOW);
        assertThat(removed.canRestore()).isFalse();
        assertThat(removed.checkpoint()).isTrue();
        assertThat(removed.restoreReason()).contains("2.4 removed");
    }

    @Test
    void containerdOlderThan21CannotRestoreAndOlderThan20CannotCheckpoint() {
        assertThat(RuntimeCapabilities.containerd("v2.0.5", "{}", NOW).canRestore())
                .isFalse();
        assertThat(RuntimeCapabilities.containerd("v2.0.5", "{}", NOW).checkpoint())
                .isTrue();
        RuntimeCapability old = RuntimeCapabilities.containerd("1.7.27", "{}", NOW);
        assertThat(old.checkpoint()).isFalse();
        assertThat(old.canRestore()).isFalse();
    }

    @Test
    void containerdWithCriuOffDoesNeither() {
        RuntimeCapability c = RuntimeCapabilities.containerd(
                "v2.3.7", "{\"enableCRIU\":false,\"enableExperimentalRestoreViaCreate\":true}", NOW);
        assertThat(c.checkpoint()).isFalse();
        assertThat(c.canRestore()).isFalse();
        assertThat(c.remedy()).contains("enable_criu = true");
    }

    @Test
    void containerdConfigThatIsNotJsonIsNotTrusted() {
        RuntimeCapability c = RuntimeCapabilities.containerd("v2.3.7", "{not json", NOW);
        assertThat(c.canRestore()).isFalse();
        assertThat(c.restoreReason()).contains("not JSON");
    }

    @Test
    void crioFollowsContainerLevelEnabled() {
        String only =
                "[crio]\n  root = \"/x\"\n[crio.checkpoint_restore]\n  container_level_enabled = \"checkpoint_only\"\n"
                        + "[crio.runtime]\n  enable_criu_support = true\n";
        RuntimeCapability c = RuntimeCapabilities.crio("1.35.0", Optional.of(only), NOW);
        assertThat(c.checkpoint()).isTrue();
        assertThat(c.canRestore()).isFalse();
        assertThat(c.restoreReason()).contains("checkpoint_only");
        assertThat(c.remedy()).contains("container_level_enabled = \"checkpoint_restore\"");
        assertThat(RuntimeCapabilities.crio(
                                "1.35.0", Optional.of(only.replace("checkpoint_only", "checkpoint_restore")), NOW)
                        .canRestore())
                .isTrue();
        RuntimeCapability none =
                RuntimeCapabilities.crio("1.35.0", Optional.of(only.replace("checkpoint_only", "none")), NOW);
        assertThat(none.checkpoint()).isFalse();
        assertThat(none.canRestore()).isFalse();
    }

    @Test
    void crioBeforeTheSettingFollowsEnableCriuSupport() {
        assertThat(RuntimeCapabilities.crio("1.34.0", Optional.of("[crio.runtime]\nenable_criu_support = true\n"), NOW)
                        .canRestore())
                .isTrue();
        RuntimeCapability off =
                RuntimeCapabilities.crio("1.34.0", Optional.of("[crio.runtime]\nenable_criu_support = false\n"), NOW);
        assertThat(off.checkpoint()).isFalse();
        assertThat(off.remedy()).contains("enable_criu_support = true");
        // The setting under another table is not the setting.
        assertThat(RuntimeCapabilities.crio("1.34.0", Optional.of("[crio.image]\nenable_criu_support = true\n"), NOW)
                        .canRestore())
                .isFalse();
    }

    @Test
    void crioWhoseConfigCannotBeReadIsNotTrusted() {
        RuntimeCapability c = RuntimeCapabilities.crio("1.34.0", Optional.empty(), NOW);
        assertThat(c.canRestore()).isFalse();
        assertThat(c.restoreReason()).contains("could not be read");
    }

    @Test
    void versionsCompare() {
        assertThat(RuntimeCapabilities.older("v2.3.7", 2, 4)).isTrue();
        assertThat(RuntimeCapabilities.older("2.4.0-beta.0", 2, 4)).isFalse();
        assertThat(RuntimeCapabilities.older("1.7", 2, 0)).isTrue();
        assertThat(RuntimeCapabilities.older("devel", 2, 0)).isFalse();
    }

    @Test
    void tomlValuesLoseQuotesAndComments() {
        String toml = "[crio.runtime]\n# enable_criu_support = false\nenable_criu_support = true # yes\n"
                + "[crio.checkpoint_restore]\ncontainer_level_enabled = \"none\" # off\n";
        assertThat(TomlKeys.value(toml, "crio.runtime", "enable_criu_support")).contains("true");
        assertThat(TomlKeys.value(toml, "crio.checkpoint_restore", "container_level_enabled"))
                .contains("none");
        assertThat(TomlKeys.value(toml, "crio.image", "x")).isEmpty();
    }

    @Test
    void crioStatusAnswersAreReadOnlyWhenTheyAre200() throws Exception {
        assertThat(CrioStatus.body("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n[crio]\n", "/config"))
                .isEqualTo("[crio]\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> CrioStatus.body("HTTP/1.0 404 Not Found\r\n\r\n", "/config"))
                .hasMessage("GET /config answered 404 Not Found");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrioStatus.body("\u0000\u0000garbage", "/config"))
                .hasMessageContaining("not answered with HTTP");
    }
}

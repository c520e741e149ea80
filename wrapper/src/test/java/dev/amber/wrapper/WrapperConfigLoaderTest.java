package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrapperConfigLoaderTest {

    @Test
    void readsACrikConfigUnchanged() {
        WrapperConfig config = WrapperConfigLoader.parse("""
                imageDir: /etc/checkpoint
                additionalPaths:
                - /tmp/state
                inotifyIncompatiblePaths:
                - /root/.cache/watched
                nodeStateServerURL: http://crik-node-state-server.crik.svc.cluster.local:9376
                """, "crik.yaml");

        assertThat(config.imageDir()).isEqualTo(Path.of("/etc/checkpoint"));
        assertThat(config.additionalPaths()).containsExactly(Path.of("/tmp/state"));
        assertThat(config.inotifyIncompatiblePaths()).containsExactly(Path.of("/root/.cache/watched"));
        assertThat(config.nodeStateServerURL())
                .isEqualTo(URI.create("http://crik-node-state-server.crik.svc.cluster.local:9376"));
        // With a server configured, crik only checkpoints when the node goes away.
        assertThat(config.checkpointOn()).isEqualTo(CheckpointOn.NODE_SHUTDOWN);
    }

    @Test
    void withoutAServerEverySigtermCheckpointsLikeCrik() {
        WrapperConfig config = WrapperConfigLoader.parse("imageDir: /data\n", "c.yaml");

        assertThat(config.checkpointOn()).isEqualTo(CheckpointOn.ALWAYS);
        assertThat(config.manageCgroups()).isEqualTo("ignore");
        assertThat(config.tcpEstablished()).isFalse();
        assertThat(config.ifNodeStateUnknown()).isEqualTo(IfNodeStateUnknown.CHECKPOINT);
        assertThat(config.freshStartOnRestoreFailure()).isFalse();
    }

    @Test
    void readsCriuOptionsAndChoices() {
        WrapperConfig config = WrapperConfigLoader.parse("""
                imageDir: /data
                nodeStateServerURL: http://nss:8080/
                checkpointOn: never
                ifNodeStateUnknown: terminate
                freshStartOnRestoreFailure: true
                tcpEstablished: true
                fileLocks: true
                extUnixSockets: true
                manageCgroups: soft
                ghostLimit: 64M
                externalMounts: [/mnt/shared]
                """, "c.yaml");

        assertThat(config.checkpointOn()).isEqualTo(CheckpointOn.NEVER);
        assertThat(config.ifNodeStateUnknown()).isEqualTo(IfNodeStateUnknown.TERMINATE);
        assertThat(config.freshStartOnRestoreFailure()).isTrue();
        assertThat(List.of(config.tcpEstablished(), config.fileLocks(), config.extUnixSockets()))
                .containsOnly(true);
        assertThat(config.manageCgroups()).isEqualTo("soft");
        assertThat(config.ghostLimit()).isEqualTo("64M");
        assertThat(config.externalMounts()).containsExactly(Path.of("/mnt/shared"));
    }

    @Test
    void aNumericGhostLimitIsBytes() {
        assertThat(WrapperConfigLoader.parse("imageDir: /d\nghostLimit: 1048576\n", "c")
                        .ghostLimit())
                .isEqualTo("1048576");
    }

    @Test
    void rejectsAnUnknownKeyNamingItTheLineAndTheKnownKeys() {
        assertThatThrownBy(() ->
                        WrapperConfigLoader.parse("imageDir: /d\ntcpEstablised: true\n", "/etc/amber/config.yaml"))
                .isInstanceOf(WrapperException.class)
                .hasMessageStartingWith(
                        "config /etc/amber/config.yaml: unknown key 'tcpEstablised' (line 2); known keys: ")
                .hasMessageContaining("tcpEstablished")
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsAnUnknownCheckpointOnValueListingTheChoices() {
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: /d\ncheckpointOn: sometimes\n", "c.yaml"))
                .hasMessage(
                        "config c.yaml: checkpointOn (line 2): 'sometimes' is not one of always, node-shutdown, never");
    }

    @Test
    void rejectsAWrongType() {
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: /d\nadditionalPaths: {a: 1}\n", "c.yaml"))
                .hasMessageStartingWith("config c.yaml: additionalPaths (line 2): ");
    }

    @Test
    void rejectsMissingOrRelativeImageDir() {
        assertThatThrownBy(() -> WrapperConfigLoader.parse("tcpEstablished: true\n", "c.yaml"))
                .hasMessageStartingWith("config c.yaml: imageDir is required");
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: images\n", "c.yaml"))
                .hasMessage("config c.yaml: imageDir entry 'images' must be an absolute path");
        assertThatThrownBy(() -> WrapperConfigLoader.parse("", "c.yaml"))
                .hasMessageStartingWith("config c.yaml: empty");
    }

    @Test
    void rejectsKeepingAndClosingConnectionsAtOnce() {
        assertThatThrownBy(() ->
                        WrapperConfigLoader.parse("imageDir: /d\ntcpEstablished: true\ntcpClose: true\n", "c.yaml"))
                .hasMessageStartingWith("config c.yaml: tcpEstablished and tcpClose exclude each other");
    }

    @Test
    void rejectsInconsistentChoices() {
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: /d\ncheckpointOn: node-shutdown\n", "c.yaml"))
                .hasMessage("config c.yaml: checkpointOn: node-shutdown needs nodeStateServerURL");
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: /d\nmanageCgroups: maybe\n", "c.yaml"))
                .hasMessageStartingWith("config c.yaml: manageCgroups 'maybe' is not one of full, ignore, none");
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: /d\nghostLimit: lots\n", "c.yaml"))
                .hasMessage(
                        "config c.yaml: ghostLimit (line 2): 'lots' is not a size in bytes, optionally with K, M or G (e.g. 64M)");
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: /d\nnodeStateServerURL: nss:8080\n", "c.yaml"))
                .hasMessageContaining("nodeStateServerURL must be an http:// or https:// URL");
    }

    @Test
    void rejectsBrokenYaml() {
        assertThatThrownBy(() -> WrapperConfigLoader.parse("imageDir: \"/d\nfileLocks: true\n", "c.yaml"))
                .hasMessageStartingWith("config c.yaml: not valid YAML");
    }

    @Test
    void readsAnExplicitFileAndNamesAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "imageDir: /d\n");

        assertThat(WrapperConfigLoader.load(Optional.of(file)).config().imageDir())
                .isEqualTo(Path.of("/d"));
        assertThatThrownBy(() -> WrapperConfigLoader.load(Optional.of(dir.resolve("nope.yaml"))))
                .hasMessage("config " + dir.resolve("nope.yaml") + ": no such file");
    }
}

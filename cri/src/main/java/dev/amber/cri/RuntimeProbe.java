package dev.amber.cri;

import dev.amber.api.v1alpha1.RuntimeCapability;
import dev.amber.cri.proto.VersionResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the node's container runtime what it can do with checkpoints ({@link RuntimeCapabilities} has the
 * rules). A runtime that cannot be asked is reported as one that cannot restore, with the reason: a node is
 * never claimed able on a guess.
 */
public final class RuntimeProbe {
    /** Both calls are answered from memory by the runtime; seconds mean it is stuck. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Path socket;
    private final Clock clock;

    public RuntimeProbe(Path socket, Clock clock) {
        this.socket = socket;
        this.clock = clock;
    }

    public Path socket() {
        return socket;
    }

    /** What the runtime can do now. */
    public RuntimeCapability probe() {
        VersionResponse version;
        try (CriClient cri = CriClient.connect(socket, DEADLINE)) {
            version = cri.version();
            String name = version.getRuntimeName();
            String release = version.getRuntimeVersion();
            return switch (name) {
                case "containerd" ->
                    RuntimeCapabilities.containerd(release, cri.verboseInfo().get("config"), clock.instant());
                case "cri-o" -> RuntimeCapabilities.crio(release, crioConfig(), clock.instant());
                default ->
                    RuntimeCapabilities.unknown(
                            name,
                            release,
                            "Amber knows how containerd and CRI-O restore, not " + name,
                            clock.instant());
            };
        } catch (CriException e) {
            return RuntimeCapabilities.unknown(null, null, e.getMessage(), clock.instant());
        } catch (LinkageError e) {
            // Netty's native epoll library did not load (another libc, another architecture): say so, stay up.
            return RuntimeCapabilities.unknown(
                    null, null, "the CRI client cannot run here: " + e.getMessage(), clock.instant());
        }
    }

    private Optional<String> crioConfig() {
        try {
            return Optional.of(CrioStatus.config(socket, DEADLINE));
        } catch (CriException e) {
            return Optional.empty();
        }
    }
}

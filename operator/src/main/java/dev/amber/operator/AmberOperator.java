package dev.amber.operator;

import dev.amber.operator.checkpoint.CheckpointReconciler;
import dev.amber.operator.cluster.AgentTrust;
import dev.amber.operator.cluster.KubernetesNodeAgents;
import dev.amber.operator.cluster.KubernetesWorkloads;
import dev.amber.operator.cluster.OciRegistries;
import dev.amber.operator.restore.RestoreReconciler;
import dev.amber.operator.status.CheckpointStatusRecorder;
import dev.amber.operator.status.KubernetesEvents;
import dev.amber.operator.status.OperatorMetrics;
import dev.amber.operator.status.RestoreStatusRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's one composition root: the seams, the controllers and JOSDK's {@link Operator}, plus
 * {@code /healthz} (the process and its informers are alive), {@code /readyz} (started: with leader
 * election, a standby replica is ready too, so that it is kept running to take over) and
 * {@code /metrics} (Prometheus) on one port.
 */
public final class AmberOperator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AmberOperator.class);

    private final Operator operator;
    private final OperatorEndpoints health;

    /**
     * How the operator reaches the agents and the cluster.
     *
     * @param agentCa PEM of the CA of the agents' serving certificates; null talks plain HTTP (tests)
     * @param agentTlsName the DNS name every agent's serving certificate carries
     * @param tokenFile the service-account token the agents review; read on every request (rotation)
     * @param leaseNamespace where the leader-election Lease lives; null runs without leader election
     * @param health {@code /healthz}, {@code /readyz} and {@code /metrics}; null serves none of them
     */
    public record Settings(
            OperatorSettings operator,
            String agentNamespace,
            String agentSelector,
            int agentPort,
            Path agentCa,
            String agentTlsName,
            Path tokenFile,
            String leaseNamespace,
            InetSocketAddress health) {}

    private AmberOperator(Operator operator, OperatorEndpoints health) {
        this.operator = operator;
        this.health = health;
    }

    public static AmberOperator start(KubernetesClient client, Settings settings) throws IOException {
        SSLContext tls =
                settings.agentCa() == null ? null : AgentTrust.fromPem(settings.agentCa(), settings.agentTlsName());
        KubernetesNodeAgents agents = new KubernetesNodeAgents(
                client,
                settings.agentNamespace(),
                settings.agentSelector(),
                settings.agentPort(),
                tls,
                () -> token(settings.tokenFile()));
        KubernetesEvents events = new KubernetesEvents(client);
        OperatorMetrics metrics = new OperatorMetrics().withJvmMetrics();
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client);
            if (settings.leaseNamespace() != null) {
                o.withLeaderElectionConfiguration(
                        new LeaderElectionConfiguration("amber-operator", settings.leaseNamespace()));
            }
        });
        KubernetesWorkloads workloads = new KubernetesWorkloads(client);
        // The chart's Deployment gives /tmp in memory: a deletion's credentials pass through it.
        OciRegistries registries =
                new OciRegistries(settings.operator(), Path.of(System.getProperty("java.io.tmpdir")));
        operator.register(new CheckpointReconciler(
                workloads,
                agents,
                registries,
                new CheckpointStatusRecorder(events, metrics, Clock.systemUTC()),
                settings.operator(),
                Clock.systemUTC()));
        operator.register(new RestoreReconciler(
                workloads, registries, new RestoreStatusRecorder(events, metrics, Clock.systemUTC())));
        OperatorEndpoints health = settings.health() == null
                ? null
                : OperatorEndpoints.start(
                        settings.health(),
                        () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
                        () -> operator.getRuntimeInfo().isStarted(),
                        metrics::scrape);
        operator.start();
        LOG.info(
                "operator started{}",
                settings.leaseNamespace() == null
                        ? ""
                        : " (leader election on Lease " + settings.leaseNamespace() + "/amber-operator)");
        return new AmberOperator(operator, health);
    }

    /** The port {@code /healthz} listens on, or -1. */
    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        operator.stop();
    }

    private static String token(Path file) {
        if (file == null) {
            return "";
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service-account token " + file, e);
        }
    }
}

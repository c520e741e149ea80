package dev.amber.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.amber.agent.node.AgentConfig;
import dev.amber.agent.testing.KubeletArchives;
import dev.amber.agent.testing.KubeletArchives.Layout;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone agent as the command starts it: one pass and stop, or follow the policy file and serve. */
class AgentRuntimeTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
    /** Threads of the parts a runtime starts: none may outlive it. */
    private static final Set<String> PART_THREADS =
            Set.of("amber-agent", "amber-export", "amber-policy-file", "amber-watch", "amber-debounce");

    @TempDir
    Path dir;

    @TempDir
    Path work;

    private final StringWriter out = new StringWriter();

    private AgentRuntime.Settings settings(AgentRuntime.HttpEndpoint http, boolean once) {
        AgentConfig config =
                new AgentConfig(dir, work.resolve("state"), Duration.ofMillis(50), Duration.ofMinutes(10), false);
        return new AgentRuntime.Settings(config, http, once);
    }

    private static AgentRuntime.HttpEndpoint plainHttpOnAnyPort() {
        return new AgentRuntime.HttpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, null);
    }

    @Test
    void onceAppliesThePolicyReportsItAndServesNothing() throws Exception {
        Path older = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        Path newer = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(1), 512);
        Path policy = Files.writeString(work.resolve("policy.yaml"), "globalPolicy: {maxCheckpointsPerContainer: 1}\n");

        try (AgentRuntime runtime =
                AgentRuntime.standalone(settings(plainHttpOnAnyPort(), true), policy, new PrintWriter(out))) {
            assertThat(runtime.httpPort()).as("--once serves nothing").isEmpty();
        }
        assertThat(out.toString())
                .contains("indexed 2 archives (2 read, 0 unchanged")
                .contains("deleted 1, kept 1");
        assertThat(older).doesNotExist();
        assertThat(newer).exists();
    }

    @Test
    void followsThePolicyFileAndKeepsArchivesClosedWithoutACluster() throws Exception {
        Path older = KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T.plusSeconds(1), 512);
        Path policy = Files.writeString(work.resolve("policy.yaml"), "{}\n");

        AgentRuntime.Settings serving = settings(plainHttpOnAnyPort(), false);
        try (AgentRuntime runtime = AgentRuntime.standalone(serving, policy, new PrintWriter(out))) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow());
            assertThat(get(http, base.resolve("/healthz"), null)).isEqualTo(200);
            assertThat(get(http, base.resolve("/metrics"), null)).isEqualTo(200);
            assertThat(get(http, base.resolve("/v1/archives"), "any-token"))
                    .as("no API server to review tokens")
                    .isEqualTo(401);

            Files.writeString(
                    policy, "globalPolicy: {maxCheckpointsPerContainer: 1}\napplyPoliciesImmediately: true\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(older));
        }
        assertNoPartOutlivesTheRuntime();
    }

    @Test
    void aFailedStartClosesWhatItHadStarted() throws Exception {
        KubeletArchives.write(dir, Layout.CRIO, "ns", "web", "app", T, 512);
        Path policy = Files.writeString(work.resolve("policy.yaml"), "{}\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AgentRuntime.HttpEndpoint busy = new AgentRuntime.HttpEndpoint(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()), null, null);
            assertThatThrownBy(() -> AgentRuntime.standalone(settings(busy, false), policy, new PrintWriter(out)))
                    .isInstanceOf(IOException.class);
        }
        assertThat(out.toString()).as("the pass ran before the server failed").contains("indexed 1 archives");
        assertNoPartOutlivesTheRuntime();
    }

    private static int get(HttpClient http, URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static void assertNoPartOutlivesTheRuntime() {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .filteredOn(Thread::isAlive)
                        .extracting(Thread::getName)
                        .doesNotContainAnyElementsOf(PART_THREADS));
    }
}

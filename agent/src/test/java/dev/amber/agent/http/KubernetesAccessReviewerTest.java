package dev.amber.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reviewer's TokenReview and SubjectAccessReview requests, checked against fabric8's mock API server
 * (real HTTP, canned answers): what is under test is the request the agent sends and how it reads the
 * answer. The mock cannot decide access; a real API server does that in the cluster-tagged tests.
 */
@EnableKubernetesMockClient
class KubernetesAccessReviewerTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void asksTheApiServerAndReadsItsAnswers() throws Exception {
        server.expect()
                .post()
                .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReturn(
                        201,
                        new TokenReviewBuilder()
                                .withNewStatus()
                                .withAuthenticated(true)
                                .withAudiences(KubernetesAccessReviewer.AUDIENCE)
                                .withNewUser()
                                .withUsername("system:serviceaccount:shop:ci")
                                .withUid("u1")
                                .withGroups("system:serviceaccounts")
                                .endUser()
                                .endStatus()
                                .build())
                .once();
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(
                        201,
                        new SubjectAccessReviewBuilder()
                                .withNewStatus()
                                .withAllowed(true)
                                .endStatus()
                                .build())
                .once();

        KubernetesAccessReviewer reviewer = new KubernetesAccessReviewer(client);
        AccessReviewer.User user = reviewer.authenticate("tok");
        assertThat(user)
                .isEqualTo(new AccessReviewer.User(
                        "system:serviceaccount:shop:ci", "u1", List.of("system:serviceaccounts")));
        assertThat(reviewer.allowed(user, new AccessReviewer.Access("get", "shop", "content", "a.tar")))
                .isTrue();
        // Cached: a second identical question does not reach the API server (which would answer 404 now).
        assertThat(reviewer.allowed(user, new AccessReviewer.Access("get", "shop", "content", "a.tar")))
                .isTrue();

        server.takeRequest(); // the TokenReview
        SubjectAccessReview sent =
                Serialization.unmarshal(server.takeRequest().getBody().readUtf8(), SubjectAccessReview.class);
        var attrs = sent.getSpec().getResourceAttributes();
        assertThat(sent.getSpec().getUser()).isEqualTo("system:serviceaccount:shop:ci");
        assertThat(attrs.getGroup()).isEqualTo("amber.dev");
        assertThat(attrs.getResource()).isEqualTo("checkpointarchives");
        assertThat(attrs.getSubresource()).isEqualTo("content");
        assertThat(attrs.getNamespace()).isEqualTo("shop");
        assertThat(attrs.getVerb()).isEqualTo("get");
    }

    @Test
    void anUnauthenticatedTokenIsNoUser() throws Exception {
        server.expect()
                .post()
                .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReturn(
                        201,
                        new TokenReviewBuilder()
                                .withNewStatus()
                                .withAuthenticated(false)
                                .endStatus()
                                .build())
                .once();
        assertThat(new KubernetesAccessReviewer(client).authenticate("bad")).isNull();
    }

    @Test
    void aTokenNotBoundToTheAgentsAudienceIsNoUser() throws Exception {
        // What the API server answers for a pod's default token when asked for the agent's audience.
        server.expect()
                .post()
                .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReturn(
                        201,
                        new TokenReviewBuilder()
                                .withNewStatus()
                                .withAuthenticated(true)
                                .withNewUser()
                                .withUsername("system:serviceaccount:shop:ci")
                                .endUser()
                                .endStatus()
                                .build())
                .once();

        assertThat(new KubernetesAccessReviewer(client).authenticate("api-server-token"))
                .isNull();
        TokenReview sent =
                Serialization.unmarshal(server.takeRequest().getBody().readUtf8(), TokenReview.class);
        assertThat(sent.getSpec().getAudiences()).containsExactly(KubernetesAccessReviewer.AUDIENCE);
    }
}

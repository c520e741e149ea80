package dev.amber.testkit.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.amber.testkit.process.Checkout;
import dev.amber.testkit.process.ExternalCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Helm chart deploy/helm/amber, linted and rendered by a real Helm (built from the Go module proxy by
 * {@code scripts/lib/helm}): what it installs is read back from the rendered YAML and checked against what the
 * operator and the agent need and against the plain manifests in deploy/ it must not drift from. Rendering does
 * not reach a cluster, so the Secret kept across upgrades ({@code lookup}) is not exercised here.
 */
@Tag("helm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmChartTest {
    /** Not the chart's usual namespace, so that anything not following the release namespace shows. */
    private static final String NAMESPACE = "amber-helm-test";

    private static final String RELEASE = "amber";
    /** The Lease the operator elects its leader on (AmberOperator). */
    private static final String LEASE = "amber-operator";

    private static final String VAP_EXPRESSION = "authorizer.group('amber.dev').resource('checkpoints')"
            + ".namespace(object.spec.checkpointNamespace).check('get').allowed()";
    /** The first build takes minutes (Helm from source), later runs find it in the cache. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);

    private static final Duration HELM_TIMEOUT = Duration.ofMinutes(2);
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private final Path repository = Checkout.root("scripts/lib/helm");
    private final Path chart = repository.resolve("deploy/helm/amber");
    private String helm;
    private List<HasMetadata> defaults;

    @BeforeAll
    void helmIsBuiltAndTheDefaultsRender() throws Exception {
        ExternalCommand.Result built = ExternalCommand.run(
                List.of(repository.resolve("scripts/lib/helm").toString()), repository, Map.of(), BUILD_TIMEOUT);
        assertThat(built.exitCode())
                .as("scripts/lib/helm: %s", ExternalCommand.tail(built.stderr(), 20, "\n"))
                .isZero();
        helm = built.stdout().strip();
        assertThat(Path.of(helm)).isExecutable();
        defaults = render();
    }

    @Test
    void theChartLints() throws Exception {
        ExternalCommand.Result lint = helm("lint", "--strict", chart.toString());
        assertThat(lint.exitCode())
                .as("helm lint: %s%s", lint.stdout(), lint.stderr())
                .isZero();
        assertThat(lint.stdout()).contains("0 chart(s) failed");
    }

    @Test
    void theChartsCrdsAreByteForByteThoseOfDeploy() throws Exception {
        Path committed = repository.resolve("deploy/crds");
        Path copies = chart.resolve("crds");
        assertThat(fileNames(copies))
                .as("deploy/helm/amber/crds/ holds the files of deploy/crds/: copy them over")
                .isEqualTo(fileNames(committed))
                .isNotEmpty();
        for (String file : fileNames(committed)) {
            assertThat(Files.mismatch(committed.resolve(file), copies.resolve(file)))
                    .as("deploy/helm/amber/crds/%s differs from deploy/crds/%s: copy it over", file, file)
                    .isEqualTo(-1L);
        }
    }

    @Test
    void theCrdsAreInstalledWithTheRelease() throws Exception {
        List<String> crds = render("--include-crds").stream()
                .filter(CustomResourceDefinition.class::isInstance)
                .map(crd -> crd.getMetadata().getName())
                .toList();
        List<String> expected = new ArrayList<>();
        for (String file : fileNames(repository.resolve("deploy/crds"))) {
            HasMetadata crd = parse(
                            Files.readString(repository.resolve("deploy/crds").resolve(file)))
                    .getFirst();
            expected.add(crd.getMetadata().getName());
        }
        assertThat(crds).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theOperatorRunsTwoReplicasWithLeaderElectionInTheReleaseNamespace() {
        Deployment operator = one(defaults, Deployment.class, "amber-operator");
        assertThat(operator.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        List<String> args = operatorContainer(defaults).getArgs();
        assertThat(args.getFirst()).isEqualTo("operator");
        assertThat(flag(args, "--agent-namespace")).containsExactly(NAMESPACE);
        assertThat(flag(args, "--leader-election-namespace")).containsExactly(NAMESPACE);
        assertThat(flag(args, "--health-listen")).containsExactly("0.0.0.0:8081");
        assertThat(flag(args, "--default-repository"))
                .as("no default repository unless set")
                .isEmpty();
        assertThat(flag(args, "--insecure-registry"))
                .as("no plain-HTTP registry unless set")
                .isEmpty();
        // The agents are found by the operator's default selector and reached on the port they listen on.
        DaemonSet agent = one(defaults, DaemonSet.class, "amber-agent");
        assertThat(agent.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(agent.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "amber-agent");
        assertThat(flag(args, "--agent-port"))
                .containsExactly(String.valueOf(
                        agentContainer(defaults).getPorts().getFirst().getContainerPort()));
        assertThat(operator.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("localhost/amber/amber:dev");
        assertThat(agentContainer(defaults).getImage()).isEqualTo("localhost/amber/amber:dev");
    }

    @Test
    void theOperatorsProbesAskItsHealthEndpoints() {
        Container operator = operatorContainer(defaults);
        String listen = flag(operator.getArgs(), "--health-listen").getFirst();
        int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(probePort(operator, operator.getLivenessProbe())).isEqualTo(port);
        assertThat(probePort(operator, operator.getReadinessProbe())).isEqualTo(port);
    }

    @Test
    void theOperatorRunsAsNonRootOnAReadOnlyRootWithoutPrivileges() {
        PodSpec pod = one(defaults, Deployment.class, "amber-operator")
                .getSpec()
                .getTemplate()
                .getSpec();
        Container operator = operatorContainer(defaults);
        Long uid = operator.getSecurityContext().getRunAsUser() != null
                ? operator.getSecurityContext().getRunAsUser()
                : pod.getSecurityContext().getRunAsUser();
        assertThat(uid).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(operator.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(names(defaults, ServiceAccount.class)).contains(pod.getServiceAccountName());
    }

    @Test
    void theOperatorMountsOnlyTheAgentsCaAndTrustsIt() {
        PodSpec pod = one(defaults, Deployment.class, "amber-operator")
                .getSpec()
                .getTemplate()
                .getSpec();
        String ca = flag(operatorContainer(defaults).getArgs(), "--agent-ca").getFirst();
        Volume volume = volumeOf(pod, operatorContainer(defaults), ca);
        assertThat(volume.getSecret().getSecretName()).isEqualTo(agentTlsSecretName(defaults));
        assertThat(volume.getSecret().getItems())
                .singleElement()
                .satisfies(item -> assertThat(item.getKey()).isEqualTo("ca.crt"));
        VolumeMount mount = mountOf(operatorContainer(defaults), ca);
        assertThat(ca)
                .isEqualTo(mount.getMountPath() + "/"
                        + volume.getSecret().getItems().getFirst().getPath());
    }

    @Test
    void theOperatorShowsTheAgentsATokenBoundToTheirAudienceOnly() {
        PodSpec pod = one(defaults, Deployment.class, "amber-operator")
                .getSpec()
                .getTemplate()
                .getSpec();
        String token = flag(operatorContainer(defaults).getArgs(), "--agent-token-file")
                .getFirst();
        VolumeMount mount = mountOf(operatorContainer(defaults), token);
        Volume volume = pod.getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName()))
                .collect(singleElement("volume " + mount.getName()));
        assertThat(volume.getProjected().getSources()).singleElement().satisfies(source -> {
            assertThat(source.getServiceAccountToken().getAudience()).isEqualTo("amber-agent");
            assertThat(token).endsWith("/" + source.getServiceAccountToken().getPath());
        });
    }

    @Test
    void theAgentServesWithTheGeneratedTlsSecret() throws Exception {
        Container agent = agentContainer(defaults);
        PodSpec pod = one(defaults, DaemonSet.class, "amber-agent")
                .getSpec()
                .getTemplate()
                .getSpec();
        String certFile = flag(agent.getArgs(), "--tls-cert").getFirst();
        String keyFile = flag(agent.getArgs(), "--tls-key").getFirst();
        Volume volume = volumeOf(pod, agent, certFile);
        assertThat(volumeOf(pod, agent, keyFile)).isEqualTo(volume);
        Secret secret = one(defaults, Secret.class, volume.getSecret().getSecretName());
        assertThat(secret.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");

        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) x509.generateCertificate(decoded(secret, "ca.crt"));
        X509Certificate cert = (X509Certificate) x509.generateCertificate(decoded(secret, "tls.crt"));
        cert.verify(ca.getPublicKey());
        cert.checkValidity();
        assertThat(ca.getBasicConstraints()).as("the CA is a CA").isGreaterThanOrEqualTo(0);
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        // The operator reaches agents at pod IPs and checks the name it is given instead.
        assertThat(cert.getSubjectAlternativeNames())
                .extracting(name -> (Object) name.get(1))
                .contains(agentTlsName(defaults));

        // The agent reads PKCS#8 only (BEGIN PRIVATE KEY), and the key must be the certificate's.
        String pem = new String(decoded(secret, "tls.key").readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        PrivateKey key = pkcs8(pem);
        Signature signer = Signature.getInstance(signatureAlgorithm(key));
        signer.initSign(key);
        byte[] data = "amber".getBytes(StandardCharsets.US_ASCII);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(signatureAlgorithm(key));
        verifier.initVerify(cert.getPublicKey());
        verifier.update(data);
        assertThat(verifier.verify(signature)).as("tls.key belongs to tls.crt").isTrue();
    }

    @Test
    void theAgentsDaemonSetIsTheOneOfDeployTemplated() throws Exception {
        DaemonSet base = one(
                parse(Files.readString(repository.resolve("deploy/agent/daemonset.yaml"))),
                DaemonSet.class,
                "amber-agent");
        PodSpec expected = base.getSpec().getTemplate().getSpec();
        PodSpec actual = one(defaults, DaemonSet.class, "amber-agent")
                .getSpec()
                .getTemplate()
                .getSpec();
        Container expectedAgent = expected.getContainers().getFirst();
        Container agent = agentContainer(defaults);
        assertThat(agent.getArgs()).containsSubsequence(expectedAgent.getArgs());
        assertThat(agent.getVolumeMounts()).isEqualTo(expectedAgent.getVolumeMounts());
        assertThat(agent.getReadinessProbe()).isEqualTo(expectedAgent.getReadinessProbe());
        assertThat(agent.getSecurityContext()).isEqualTo(expectedAgent.getSecurityContext());
        assertThat(agent.getEnv()).isEqualTo(expectedAgent.getEnv());
        assertThat(agent.getResources()).isEqualTo(expectedAgent.getResources());
        assertThat(agent.getPorts()).isEqualTo(expectedAgent.getPorts());
        assertThat(actual.getVolumes()).isEqualTo(expected.getVolumes());
        assertThat(actual.getTolerations()).isEqualTo(expected.getTolerations());
        assertThat(actual.getPriorityClassName()).isEqualTo(expected.getPriorityClassName());
        assertThat(actual.getServiceAccountName()).isEqualTo(expected.getServiceAccountName());
        assertThat(one(defaults, DaemonSet.class, "amber-agent")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations())
                .containsAllEntriesOf(base.getSpec().getTemplate().getMetadata().getAnnotations());
    }

    @Test
    void theAgentsRolesAreThoseOfDeploy() throws Exception {
        List<HasMetadata> base = parse(Files.readString(repository.resolve("deploy/agent/rbac.yaml")));
        List<ClusterRole> roles = of(base, ClusterRole.class);
        assertThat(roles).isNotEmpty();
        for (ClusterRole role : roles) {
            String name = role.getMetadata().getName();
            assertThat(one(defaults, ClusterRole.class, name).getRules())
                    .as("rules of ClusterRole %s", name)
                    .isEqualTo(role.getRules());
        }
        for (ClusterRoleBinding binding : of(base, ClusterRoleBinding.class)) {
            ClusterRoleBinding rendered = one(
                    defaults, ClusterRoleBinding.class, binding.getMetadata().getName());
            assertThat(rendered.getRoleRef()).isEqualTo(binding.getRoleRef());
            assertThat(rendered.getSubjects())
                    .extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
                    .containsExactlyElementsOf(binding.getSubjects().stream()
                            .map(s -> tuple(s.getKind(), s.getName(), NAMESPACE))
                            .toList());
        }
    }

    @Test
    void theOperatorGetsWhatItNeedsAndNothingMore() {
        Set<String> granted = new HashSet<>();
        Set<String> leases = new HashSet<>();
        for (ClusterRoleBinding binding : of(defaults, ClusterRoleBinding.class)) {
            if (bindsOperator(binding.getSubjects())) {
                assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
                for (PolicyRule rule : one(
                                defaults,
                                ClusterRole.class,
                                binding.getRoleRef().getName())
                        .getRules()) {
                    assertThat(rule.getResourceNames())
                            .as("cluster-wide rules name no objects")
                            .isNullOrEmpty();
                    granted.addAll(triples(rule));
                }
            }
        }
        for (RoleBinding binding : of(defaults, RoleBinding.class)) {
            if (bindsOperator(binding.getSubjects())) {
                assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
                Role role = one(defaults, Role.class, binding.getRoleRef().getName());
                assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
                for (PolicyRule rule : role.getRules()) {
                    assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
                    assertThat(rule.getResources()).containsExactly("leases");
                    if (rule.getResourceNames() == null
                            || rule.getResourceNames().isEmpty()) {
                        assertThat(rule.getVerbs())
                                .as("only create needs every Lease (it cannot name one)")
                                .containsExactly("create");
                    } else {
                        assertThat(rule.getResourceNames()).containsExactly(LEASE);
                    }
                    leases.addAll(rule.getVerbs());
                }
            }
        }
        assertThat(leases)
                .as("leader election on its Lease")
                .containsExactlyInAnyOrder("get", "create", "update", "patch");
        Set<String> expected = new HashSet<>();
        for (String resource : List.of("checkpoints", "restores")) {
            expected.addAll(triples("amber.dev", resource, "get", "list", "watch", "patch", "update"));
            expected.addAll(triples("amber.dev", resource + "/status", "get", "patch", "update"));
            expected.addAll(triples("amber.dev", resource + "/finalizers", "update"));
        }
        expected.addAll(triples("", "pods", "get", "list", "watch", "create", "delete"));
        expected.addAll(triples("", "nodes", "get", "list"));
        expected.addAll(triples("", "secrets", "get"));
        expected.addAll(triples("", "events", "create", "patch"));
        expected.addAll(triples("authorization.k8s.io", "selfsubjectrulesreviews", "create"));
        // What the agents' SubjectAccessReviews ask for before they checkpoint for the operator.
        expected.addAll(triples("amber.dev", "checkpointarchives", "get", "create", "delete"));
        assertThat(granted).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void noRoleGrantsAWildcard() {
        List<PolicyRule> rules = new ArrayList<>();
        of(defaults, ClusterRole.class).forEach(role -> rules.addAll(role.getRules()));
        of(defaults, Role.class).forEach(role -> rules.addAll(role.getRules()));
        assertThat(rules).isNotEmpty();
        for (PolicyRule rule : rules) {
            assertThat(Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs(), rule.getNonResourceURLs())
                            .filter(list -> list != null)
                            .flatMap(List::stream))
                    .as("rule %s", rule)
                    .noneMatch(value -> value.contains("*"));
        }
    }

    @Test
    void everyRbacRuleSaysWhy() throws Exception {
        for (String template : List.of("operator-rbac.yaml", "agent-rbac.yaml")) {
            List<String> lines = Files.readAllLines(chart.resolve("templates").resolve(template));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("- apiGroups:")) {
                    assertThat(i > 0 ? lines.get(i - 1).strip() : "")
                            .as("%s:%d: a rule without a comment above it saying why", template, i + 1)
                            .startsWith("#");
                }
            }
        }
    }

    @Test
    void everyObjectIsInTheReleaseNamespaceOrClusterWide() {
        for (HasMetadata object : defaults) {
            if (object instanceof Namespaced) {
                assertThat(object.getMetadata().getNamespace())
                        .as("%s %s", object.getKind(), object.getMetadata().getName())
                        .isEqualTo(NAMESPACE);
            }
        }
        of(defaults, ClusterRoleBinding.class)
                .forEach(binding -> assertThat(binding.getSubjects())
                        .allSatisfy(
                                subject -> assertThat(subject.getNamespace()).isEqualTo(NAMESPACE)));
    }

    @Test
    void aRestoreOfAnotherNamespacesCheckpointNeedsTheUsersOwnGetThere() {
        ValidatingAdmissionPolicy policy =
                one(defaults, ValidatingAdmissionPolicy.class, "amber-restore-checkpoint-namespace");
        assertThat(policy.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
        assertThat(policy.getSpec().getMatchConstraints().getResourceRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).contains("amber.dev");
            assertThat(rule.getResources()).contains("restores");
            assertThat(rule.getOperations()).contains("CREATE");
        });
        // Only Restores that name another namespace are checked ...
        assertThat(policy.getSpec().getMatchConditions())
                .singleElement()
                .satisfies(condition -> assertThat(condition.getExpression())
                        .contains("has(object.spec.checkpointNamespace)")
                        .contains("object.spec.checkpointNamespace != request.namespace"));
        // ... and those need the requesting user's get on Checkpoints there.
        Validation validation = policy.getSpec().getValidations().stream().collect(singleElement("validation"));
        assertThat(validation.getExpression().strip()).isEqualTo(VAP_EXPRESSION);
        assertThat(validation.getMessageExpression())
                .contains("object.spec.checkpointNamespace")
                .contains("get")
                .contains("checkpoints.amber.dev");
        ValidatingAdmissionPolicyBinding binding =
                one(defaults, ValidatingAdmissionPolicyBinding.class, "amber-restore-checkpoint-namespace");
        assertThat(binding.getSpec().getPolicyName())
                .isEqualTo(policy.getMetadata().getName());
        assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    }

    @Test
    void theExportValuesBecomeTheOperatorsFlags() throws Exception {
        List<HasMetadata> rendered = render(
                "--set",
                "export.repository=127.0.0.1:5000/checkpoints",
                "--set",
                "export.insecureRegistries={127.0.0.1:5000,registry.test:5000}");
        List<String> args = operatorContainer(rendered).getArgs();
        assertThat(flag(args, "--default-repository")).containsExactly("127.0.0.1:5000/checkpoints");
        assertThat(flag(args, "--insecure-registry")).containsExactly("127.0.0.1:5000", "registry.test:5000");
        assertThat(flag(args, "--agent-ca"))
                .isEqualTo(flag(operatorContainer(defaults).getArgs(), "--agent-ca"));
    }

    @Test
    void theNameTheOperatorChecksIsTheOneTheCertificateCarries() throws Exception {
        List<HasMetadata> rendered = render("--set", "tls.agentName=agents.amber.test");
        assertThat(agentTlsName(rendered)).isEqualTo("agents.amber.test");
        Secret secret = one(rendered, Secret.class, agentTlsSecretName(rendered));
        X509Certificate cert = (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(decoded(secret, "tls.crt"));
        assertThat(cert.getSubjectAlternativeNames())
                .extracting(name -> (Object) name.get(1))
                .contains("agents.amber.test");
    }

    @Test
    void theImageAndReplicasComeFromValues() throws Exception {
        List<HasMetadata> rendered = render(
                "--set",
                "image.repository=registry.test/amber",
                "--set",
                "image.tag=1.2.3",
                "--set",
                "operator.replicas=3");
        assertThat(one(rendered, Deployment.class, "amber-operator").getSpec().getReplicas())
                .isEqualTo(3);
        assertThat(operatorContainer(rendered).getImage()).isEqualTo("registry.test/amber:1.2.3");
        assertThat(agentContainer(rendered).getImage()).isEqualTo("registry.test/amber:1.2.3");
    }

    @Test
    void withCertManagerACertificateIsIssuedInsteadOfAGeneratedSecret() throws Exception {
        List<HasMetadata> rendered = render("--set", "tls.certManager.enabled=true");
        assertThat(of(rendered, Secret.class)).as("no generated Secret").isEmpty();
        List<GenericKubernetesResource> certificates = certManager(rendered, "Certificate");
        GenericKubernetesResource serving = certificates.stream()
                .filter(c -> agentTlsSecretName(rendered).equals(c.get("spec", "secretName")))
                .collect(singleElement("Certificate of the agents' Secret"));
        assertThat(serving.getApiVersion()).isEqualTo("cert-manager.io/v1");
        assertThat((String) serving.get("spec", "privateKey", "encoding"))
                .as("the agent reads PKCS#8 keys only")
                .isEqualTo("PKCS8");
        assertThat(((List<?>) serving.get("spec", "dnsNames")).stream().map(String::valueOf))
                .contains(agentTlsName(rendered));
        // Its issuer is a CA the chart makes, whose certificate lands in the Secret as ca.crt.
        String issuerName = serving.get("spec", "issuerRef", "name");
        GenericKubernetesResource issuer = certManager(rendered, "Issuer").stream()
                .filter(i -> issuerName.equals(i.getMetadata().getName()))
                .collect(singleElement("Issuer " + issuerName));
        String caSecret = issuer.get("spec", "ca", "secretName");
        GenericKubernetesResource ca = certificates.stream()
                .filter(c -> caSecret.equals(c.get("spec", "secretName")))
                .collect(singleElement("CA Certificate"));
        assertThat((Boolean) ca.get("spec", "isCA")).isTrue();
        assertThat(volumeOf(
                                one(rendered, Deployment.class, "amber-operator")
                                        .getSpec()
                                        .getTemplate()
                                        .getSpec(),
                                operatorContainer(rendered),
                                flag(operatorContainer(rendered).getArgs(), "--agent-ca")
                                        .getFirst())
                        .getSecret()
                        .getItems())
                .extracting(item -> item.getKey())
                .containsExactly("ca.crt");
    }

    @Test
    void withCertManagerAndAnIssuerOfOneselfTheChartMakesNoCa() throws Exception {
        List<HasMetadata> rendered = render(
                "--set",
                "tls.certManager.enabled=true",
                "--set",
                "tls.certManager.issuerRef.kind=ClusterIssuer",
                "--set",
                "tls.certManager.issuerRef.name=company-ca");
        assertThat(certManager(rendered, "Issuer")).isEmpty();
        GenericKubernetesResource serving =
                certManager(rendered, "Certificate").stream().collect(singleElement("Certificate"));
        assertThat((String) serving.get("spec", "issuerRef", "kind")).isEqualTo("ClusterIssuer");
        assertThat((String) serving.get("spec", "issuerRef", "name")).isEqualTo("company-ca");
    }

    private List<HasMetadata> render(String... options) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(helm, "template", RELEASE, chart.toString(), "--namespace", NAMESPACE));
        command.addAll(List.of(options));
        ExternalCommand.Result template = ExternalCommand.run(command, repository, Map.of(), HELM_TIMEOUT);
        assertThat(template.exitCode())
                .as("helm template %s: %s", String.join(" ", options), template.stderr())
                .isZero();
        return parse(template.stdout());
    }

    private ExternalCommand.Result helm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(helm));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, repository, Map.of(), HELM_TIMEOUT);
    }

    /** Every document of a multi-document YAML stream, typed where fabric8 knows the kind. */
    private static List<HasMetadata> parse(String yaml) {
        Object parsed = YAML.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<HasMetadata> objects = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.stream()
                    .filter(HasMetadata.class::isInstance)
                    .map(HasMetadata.class::cast)
                    .forEach(objects::add);
        } else if (parsed instanceof HasMetadata object) {
            objects.add(object);
        }
        return objects;
    }

    private static <T extends HasMetadata> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return of(objects, type).stream()
                .filter(object -> name.equals(object.getMetadata().getName()))
                .collect(singleElement(type.getSimpleName() + " " + name));
    }

    private static <T extends HasMetadata> List<String> names(List<HasMetadata> objects, Class<T> type) {
        return of(objects, type).stream().map(o -> o.getMetadata().getName()).toList();
    }

    private static List<GenericKubernetesResource> certManager(List<HasMetadata> objects, String kind) {
        return of(objects, GenericKubernetesResource.class).stream()
                .filter(o -> kind.equals(o.getKind()) && o.getApiVersion().startsWith("cert-manager.io/"))
                .toList();
    }

    private static <T> Collector<T, ?, T> singleElement(String what) {
        return Collectors.collectingAndThen(Collectors.toList(), list -> {
            assertThat(list).as("exactly one %s", what).hasSize(1);
            return list.getFirst();
        });
    }

    private static Container operatorContainer(List<HasMetadata> objects) {
        return one(objects, Deployment.class, "amber-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .stream()
                .collect(singleElement("operator container"));
    }

    private static Container agentContainer(List<HasMetadata> objects) {
        return one(objects, DaemonSet.class, "amber-agent").getSpec().getTemplate().getSpec().getContainers().stream()
                .collect(singleElement("agent container"));
    }

    private static String agentTlsSecretName(List<HasMetadata> objects) {
        PodSpec pod = one(objects, DaemonSet.class, "amber-agent")
                .getSpec()
                .getTemplate()
                .getSpec();
        Container agent = agentContainer(objects);
        return volumeOf(pod, agent, flag(agent.getArgs(), "--tls-cert").getFirst())
                .getSecret()
                .getSecretName();
    }

    /** The name the operator checks in the agents' certificates (it reaches them at pod IPs). */
    private static String agentTlsName(List<HasMetadata> objects) {
        List<String> names = flag(operatorContainer(objects).getArgs(), "--agent-tls-name");
        assertThat(names).as("--agent-tls-name").hasSize(1);
        return names.getFirst();
    }

    /** The values of every occurrence of {@code name VALUE} in {@code args}. */
    private static List<String> flag(List<String> args, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).equals(name)) {
                values.add(args.get(i + 1));
            }
        }
        return values;
    }

    private static int probePort(Container container, Probe probe) {
        IntOrString port = probe.getHttpGet().getPort();
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .collect(singleElement("port " + port.getStrVal()))
                .getContainerPort();
    }

    private static VolumeMount mountOf(Container container, String file) {
        return container.getVolumeMounts().stream()
                .filter(mount -> file.startsWith(mount.getMountPath() + "/"))
                .collect(singleElement("mount holding " + file));
    }

    /** The volume the file {@code file} of {@code container} comes from; it must be a Secret. */
    private static Volume volumeOf(PodSpec pod, Container container, String file) {
        VolumeMount mount = mountOf(container, file);
        Volume volume = pod.getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName()))
                .collect(singleElement("volume " + mount.getName()));
        assertThat(volume.getSecret()).as("%s comes from a Secret", file).isNotNull();
        return volume;
    }

    private static boolean bindsOperator(List<Subject> subjects) {
        return subjects.stream()
                .anyMatch(s -> "ServiceAccount".equals(s.getKind())
                        && "amber-operator".equals(s.getName())
                        && NAMESPACE.equals(s.getNamespace()));
    }

    private static Set<String> triples(PolicyRule rule) {
        Set<String> triples = new HashSet<>();
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                triples.addAll(triples(group, resource, rule.getVerbs().toArray(new String[0])));
            }
        }
        return triples;
    }

    private static Set<String> triples(String group, String resource, String... verbs) {
        Set<String> triples = new HashSet<>();
        for (String verb : verbs) {
            triples.add(verb + " " + resource + (group.isEmpty() ? "" : "." + group));
        }
        return triples;
    }

    private static List<String> fileNames(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static ByteArrayInputStream decoded(Secret secret, String key) {
        return new ByteArrayInputStream(
                Base64.getDecoder().decode(secret.getData().get(key)));
    }

    /** As the agent reads it (PemTls): PKCS#8, RSA, EC or Ed25519. */
    private static PrivateKey pkcs8(String pem) throws Exception {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // the next algorithm
            }
        }
        throw new AssertionError("tls.key holds no RSA, EC or Ed25519 key");
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
    }
}

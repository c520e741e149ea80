package dev.amber.kube.policy;

import dev.amber.api.v1alpha1.CheckpointPolicySpec;
import dev.amber.api.v1alpha1.ContainerPolicy;
import dev.amber.api.v1alpha1.ExportRule;
import dev.amber.api.v1alpha1.GlobalPolicy;
import dev.amber.api.v1alpha1.LevelPolicy;
import dev.amber.api.v1alpha1.NamespacePolicy;
import dev.amber.api.v1alpha1.PodPolicy;
import dev.amber.retention.ArchiveMatcher;
import dev.amber.retention.InvalidPolicyException;
import dev.amber.retention.LabelMatcher;
import dev.amber.retention.Level;
import dev.amber.retention.Limits;
import dev.amber.retention.RetentionPolicy;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@code CheckpointPolicy} spec into a {@link RetentionPolicy}, or rejects it with every
 * problem named. A policy that fails here is never applied: the agent keeps the last valid policy (or
 * none), so a typo can never turn into "delete everything".
 */
public final class PolicyValidator {
    /** Upstream's defaults for the global policy. */
    static final int DEFAULT_PER_CONTAINER = 10;

    static final int DEFAULT_PER_POD = 20;
    static final int DEFAULT_PER_NAMESPACE = 30;
    static final long DEFAULT_SIZE = 100L << 30; // 100Gi

    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|d|h|m|s)");

    private final List<String> problems = new ArrayList<>();

    private PolicyValidator() {}

    public static RetentionPolicy validate(CheckpointPolicySpec spec) throws InvalidPolicyException {
        if (spec == null) {
            throw new InvalidPolicyException("the policy has no spec");
        }
        PolicyValidator v = new PolicyValidator();
        RetentionPolicy policy = v.build(spec);
        if (!v.problems.isEmpty()) {
            throw new InvalidPolicyException("invalid policy: " + String.join("; ", v.problems));
        }
        return policy;
    }

    private RetentionPolicy build(CheckpointPolicySpec spec) {
        String dir = spec.checkpointDirectory == null || spec.checkpointDirectory.isBlank()
                ? null
                : spec.checkpointDirectory;
        if (dir != null && !dir.startsWith("/")) {
            problems.add("checkpointDirectory must be an absolute path, not '" + dir + "'");
        }
        List<RetentionPolicy.Rule> containers = new ArrayList<>();
        List<RetentionPolicy.Rule> pods = new ArrayList<>();
        List<RetentionPolicy.Rule> namespaces = new ArrayList<>();
        int i = 0;
        for (ContainerPolicy p : nonNull(spec.containerPolicies)) {
            String name = "containerPolicies[" + i++ + "]";
            if (blank(p.container)) {
                problems.add(name + " names no container");
            }
            if (blank(p.pod) && p.selector == null) {
                problems.add(name + " needs a pod or a selector");
            }
            containers.add(rule(name, Level.CONTAINER, p, p.pod, p.container));
        }
        i = 0;
        for (PodPolicy p : nonNull(spec.podPolicies)) {
            String name = "podPolicies[" + i++ + "]";
            if (blank(p.pod) && p.selector == null) {
                problems.add(name + " needs a pod or a selector");
            }
            pods.add(rule(name, Level.POD, p, p.pod, null));
        }
        i = 0;
        for (NamespacePolicy p : nonNull(spec.namespacePolicies)) {
            String name = "namespacePolicies[" + i++ + "]";
            if (blank(p.namespace) && p.selector == null) {
                problems.add(name + " needs a namespace or a selector (to cover every namespace, use globalPolicy)");
            }
            namespaces.add(rule(name, Level.NAMESPACE, p, null, null));
        }
        GlobalPolicy g = spec.globalPolicy == null ? new GlobalPolicy() : spec.globalPolicy;
        boolean retainOrphan = g.retainOrphan == null || g.retainOrphan;
        long size = bytes("globalPolicy.maxCheckpointSize", g.maxCheckpointSize, DEFAULT_SIZE);
        Duration maxAge = duration("globalPolicy.maxAge", g.maxAge);
        Limits perContainer = new Limits(
                retainOrphan,
                count("globalPolicy.maxCheckpointsPerContainer", g.maxCheckpointsPerContainer, DEFAULT_PER_CONTAINER),
                size,
                bytes("globalPolicy.maxTotalSizePerContainer", g.maxTotalSizePerContainer, DEFAULT_SIZE),
                maxAge);
        Limits perPod = new Limits(
                retainOrphan,
                count("globalPolicy.maxCheckpointsPerPod", g.maxCheckpointsPerPod, DEFAULT_PER_POD),
                size,
                bytes("globalPolicy.maxTotalSizePerPod", g.maxTotalSizePerPod, DEFAULT_SIZE),
                maxAge);
        Limits perNamespace = new Limits(
                retainOrphan,
                count("globalPolicy.maxCheckpointsPerNamespace", g.maxCheckpointsPerNamespace, DEFAULT_PER_NAMESPACE),
                size,
                bytes("globalPolicy.maxTotalSizePerNamespace", g.maxTotalSizePerNamespace, DEFAULT_SIZE),
                maxAge);
        return new RetentionPolicy(
                dir,
                Boolean.TRUE.equals(spec.applyPoliciesImmediately),
                List.copyOf(containers),
                List.copyOf(pods),
                List.copyOf(namespaces),
                perContainer,
                perPod,
                perNamespace,
                export(spec.export));
    }

    private RetentionPolicy.Rule rule(String name, Level level, LevelPolicy p, String pod, String container) {
        Limits limits = new Limits(
                p.retainOrphan == null || p.retainOrphan,
                count(name + ".maxCheckpoints", p.maxCheckpoints, Limits.UNLIMITED_COUNT),
                bytes(name + ".maxCheckpointSize", p.maxCheckpointSize, Limits.UNLIMITED_BYTES),
                bytes(name + ".maxTotalSize", p.maxTotalSize, Limits.UNLIMITED_BYTES),
                duration(name + ".maxAge", p.maxAge));
        return new RetentionPolicy.Rule(
                name,
                level,
                new ArchiveMatcher(
                        emptyToNull(p.namespace),
                        emptyToNull(pod),
                        emptyToNull(container),
                        selector(name + ".selector", p.selector)),
                limits);
    }

    private RetentionPolicy.Export export(ExportRule rule) {
        if (rule == null) {
            return null;
        }
        if (blank(rule.repository)) {
            problems.add("export.repository is required");
        } else if (rule.repository.contains("@")
                || rule.repository
                        .substring(rule.repository.lastIndexOf('/') + 1)
                        .contains(":")) {
            problems.add("export.repository '" + rule.repository + "' must be a repository without tag or digest");
        }
        return new RetentionPolicy.Export(
                rule.repository,
                Boolean.TRUE.equals(rule.plainHttp),
                new HashSet<>(nonNull(rule.namespaces)),
                selector("export.selector", rule.selector));
    }

    private LabelMatcher selector(String where, LabelSelector selector) {
        if (selector == null) {
            return null;
        }
        List<LabelMatcher.Expression> expressions = selector.getMatchExpressions() == null
                ? null
                : selector.getMatchExpressions().stream()
                        .map(r -> new LabelMatcher.Expression(r.getKey(), r.getOperator(), r.getValues()))
                        .toList();
        try {
            return LabelMatcher.of(selector.getMatchLabels(), expressions, where);
        } catch (InvalidPolicyException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private int count(String field, Integer value, int absent) {
        if (value == null) {
            return absent;
        }
        if (value < 0) {
            problems.add(field + " must not be negative (0 disables the level), not " + value);
        }
        return value;
    }

    private long bytes(String field, Quantity value, long absent) {
        if (value == null) {
            return absent;
        }
        try {
            BigDecimal amount = Quantity.getAmountInBytes(value);
            if (amount.signum() < 0) {
                problems.add(field + " must not be negative, not " + value);
                return absent;
            }
            return amount.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : amount.longValue();
        } catch (RuntimeException e) {
            problems.add(field + " is not a quantity such as 512Mi or 4Gi: '" + value + "'");
            return absent;
        }
    }

    /** Parses Go-style durations ({@code 48h}, {@code 1h30m}) and days ({@code 7d}); null when absent. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "d" -> Duration.ofDays(n);
                        case "h" -> Duration.ofHours(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "s" -> Duration.ofSeconds(n);
                        default -> Duration.ofMillis(n);
                    });
        }
        return end == text.length() && end > 0 ? total : null;
    }

    private Duration duration(String field, String value) {
        if (value == null) {
            return null;
        }
        Duration d;
        try {
            d = parseDuration(value.trim());
        } catch (ArithmeticException | NumberFormatException e) {
            d = null;
        }
        if (d == null) {
            problems.add(field + " is not a duration such as 90m, 48h or 7d: '" + value + "'");
            return null;
        }
        if (d.isZero()) {
            problems.add(field + " must be longer than 0 (it would delete every archive)");
            return null;
        }
        return d;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s;
    }
}

package dev.amber.retention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated Kubernetes label selector: matchLabels plus In, NotIn, Exists, DoesNotExist. It takes the
 * selector's parts as plain values, so that retention needs no Kubernetes client library; the resource
 * readers (kube's PolicyValidator) take them out of the API types.
 */
public final class LabelMatcher {
    /** One entry of {@code matchExpressions}, as written: {@code operator} is not yet checked. */
    public record Expression(String key, String operator, List<String> values) {}

    private record Requirement(String key, String operator, Set<String> values) {}

    private final List<Requirement> requirements;

    private LabelMatcher(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    /**
     * @param where names the field in error messages, e.g. {@code podPolicies[1].selector}
     * @throws InvalidPolicyException for unknown operators or missing values
     */
    public static LabelMatcher of(Map<String, String> matchLabels, List<Expression> matchExpressions, String where)
            throws InvalidPolicyException {
        List<Requirement> out = new ArrayList<>();
        if (matchLabels != null) {
            matchLabels.forEach((k, v) -> out.add(new Requirement(k, "In", Set.of(v == null ? "" : v))));
        }
        if (matchExpressions != null) {
            int i = 0;
            for (Expression r : matchExpressions) {
                String at = where + ".matchExpressions[" + i++ + "]";
                if (r.key() == null || r.key().isBlank()) {
                    throw new InvalidPolicyException(at + " has no key");
                }
                String op = r.operator();
                List<String> values = r.values() == null ? List.of() : r.values();
                switch (op == null ? "" : op) {
                    case "In", "NotIn" -> {
                        if (values.isEmpty()) {
                            throw new InvalidPolicyException(at + ": operator " + op + " needs values");
                        }
                    }
                    case "Exists", "DoesNotExist" -> {
                        if (!values.isEmpty()) {
                            throw new InvalidPolicyException(at + ": operator " + op + " takes no values");
                        }
                    }
                    default ->
                        throw new InvalidPolicyException(
                                at + ": unknown operator '" + op + "' (In, NotIn, Exists or DoesNotExist)");
                }
                out.add(new Requirement(r.key(), op, Set.copyOf(values)));
            }
        }
        return new LabelMatcher(List.copyOf(out));
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            String value = labels.get(r.key());
            boolean ok = switch (r.operator()) {
                case "In" -> value != null && r.values().contains(value);
                case "NotIn" -> value == null || !r.values().contains(value);
                case "Exists" -> value != null;
                default -> value == null; // DoesNotExist
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

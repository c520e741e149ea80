package dev.amber.agent.retention;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A validated Kubernetes label selector: matchLabels plus In, NotIn, Exists, DoesNotExist. */
public final class LabelMatcher {
    private record Requirement(String key, String operator, Set<String> values) {}

    private final List<Requirement> requirements;

    private LabelMatcher(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    /**
     * @param where names the field in error messages, e.g. {@code podPolicies[1].selector}
     * @throws InvalidPolicyException for unknown operators or missing values
     */
    public static LabelMatcher of(LabelSelector selector, String where) throws InvalidPolicyException {
        List<Requirement> out = new ArrayList<>();
        if (selector.getMatchLabels() != null) {
            selector.getMatchLabels().forEach((k, v) -> out.add(new Requirement(k, "In", Set.of(v == null ? "" : v))));
        }
        if (selector.getMatchExpressions() != null) {
            int i = 0;
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String at = where + ".matchExpressions[" + i++ + "]";
                if (r.getKey() == null || r.getKey().isBlank()) {
                    throw new InvalidPolicyException(at + " has no key");
                }
                String op = r.getOperator();
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
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
                    default -> throw new InvalidPolicyException(
                            at + ": unknown operator '" + op + "' (In, NotIn, Exists or DoesNotExist)");
                }
                out.add(new Requirement(r.getKey(), op, Set.copyOf(values)));
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

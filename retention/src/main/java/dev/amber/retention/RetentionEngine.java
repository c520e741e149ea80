package dev.amber.retention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides which archives to delete. A pure function of the archives, the policy, the live pods and the
 * time, so it is tested without files or a cluster and the agent, the CLI and the operator share it.
 *
 * <p>Semantics follow the upstream checkpoint-restore-operator: each archive is governed by the most
 * specific matching policy (container > pod > namespace > global); a specific policy counts over its own
 * level, the global one over container, pod and namespace in turn; a level whose count or size limit is
 * 0 is skipped; orphans go when {@code retainOrphan} is false; then archives over the per-archive size,
 * then the oldest archives while the count or the total size is over its limit. Pinned archives are never
 * deleted but count toward the limits. Added: {@code maxAge}, selectors, and export-before-delete.
 */
public final class RetentionEngine {
    private static final Comparator<ArchiveRecord> OLDEST_FIRST =
            Comparator.comparing(ArchiveRecord::time).thenComparing(ArchiveRecord::fileName);

    private RetentionEngine() {}

    /**
     * @param livePods null when unknown: then no archive counts as orphaned
     */
    public static RetentionPlan plan(
            List<ArchiveRecord> archives, RetentionPolicy policy, LivePods livePods, Instant now) {
        return new Pass(policy, livePods, now).run(archives);
    }

    private static final class Pass {
        private final RetentionPolicy policy;
        private final LivePods live;
        private final Instant now;
        /** Archives chosen for deletion, in the order chosen; some wait for their export. */
        private final Map<ArchiveRecord, Decision> doomed = new IdentityHashMap<>();

        private final Map<ArchiveRecord, String> governedBy = new IdentityHashMap<>();
        private final Map<ArchiveRecord, Boolean> disabledFor = new IdentityHashMap<>();
        private final Map<String, String> withinDetails = new HashMap<>();
        private final List<List<RetentionPolicy.Rule>> ruleLevels;

        Pass(RetentionPolicy policy, LivePods live, Instant now) {
            this.policy = policy;
            this.live = live;
            this.now = now;
            this.ruleLevels = List.of(policy.containerRules(), policy.podRules(), policy.namespaceRules());
        }

        RetentionPlan run(List<ArchiveRecord> archives) {
            List<Decision> kept = new ArrayList<>();
            Map<GroupKey, List<ArchiveRecord>> specific = new LinkedHashMap<>();
            List<ArchiveRecord> global = new ArrayList<>();
            for (ArchiveRecord a : archives) {
                if (!a.readable()) {
                    kept.add(new Decision(a, Decision.Reason.UNREADABLE, a.error()));
                    continue;
                }
                RetentionPolicy.Rule rule = governingRule(a);
                if (rule == null) {
                    global.add(a);
                    governedBy.put(a, "globalPolicy");
                } else {
                    specific.computeIfAbsent(new GroupKey(rule, scope(a, rule.level())), k -> new ArrayList<>())
                            .add(a);
                    governedBy.put(a, rule.name());
                }
            }
            specific.forEach((key, group) -> applyLevel(
                    group, key.rule().limits(), key.rule().level(), key.rule().name()));
            applyGlobal(global, Level.CONTAINER, policy.globalContainer());
            applyGlobal(global, Level.POD, policy.globalPod());
            applyGlobal(global, Level.NAMESPACE, policy.globalNamespace());

            List<Decision> deletions = new ArrayList<>();
            List<ArchiveRecord> exports = new ArrayList<>();
            for (ArchiveRecord a : archives) {
                if (!a.readable()) {
                    continue;
                }
                boolean mustExport = mustExport(a);
                if (mustExport) {
                    exports.add(a);
                }
                Decision d = doomed.get(a);
                if (d != null && mustExport) {
                    kept.add(new Decision(
                            a,
                            Decision.Reason.AWAITING_EXPORT,
                            "to be deleted (" + d.describe() + ") once its export to "
                                    + policy.export().repository() + " is verified"));
                } else if (d != null) {
                    deletions.add(d);
                } else if (a.pinned()) {
                    kept.add(new Decision(a, Decision.Reason.PINNED, a.fileName() + ".keep exists"));
                } else if (Boolean.TRUE.equals(disabledFor.get(a))) {
                    kept.add(new Decision(
                            a,
                            Decision.Reason.LEVEL_DISABLED,
                            "a level of " + governedBy.get(a) + " is disabled (limit 0)"));
                } else {
                    kept.add(new Decision(
                            a,
                            Decision.Reason.WITHIN_LIMITS,
                            withinDetails.computeIfAbsent(governedBy.get(a), name -> "within " + name)));
                }
            }
            exports.sort(OLDEST_FIRST);
            deletions.sort(Comparator.comparing(Decision::archive, OLDEST_FIRST));
            return new RetentionPlan(deletions, kept, exports);
        }

        private boolean mustExport(ArchiveRecord a) {
            return policy.export() != null
                    && a.exportedTo() == null
                    && policy.export().covers(a, labels(a));
        }

        private void applyGlobal(List<ArchiveRecord> global, Level level, Limits limits) {
            Map<Scope, List<ArchiveRecord>> groups = new LinkedHashMap<>();
            for (ArchiveRecord a : global) {
                groups.computeIfAbsent(scope(a, level), k -> new ArrayList<>()).add(a);
            }
            groups.values().forEach(g -> applyLevel(g, limits, level, "globalPolicy"));
        }

        private RetentionPolicy.Rule governingRule(ArchiveRecord a) {
            if (ruleLevels.stream().allMatch(List::isEmpty)) {
                return null;
            }
            Map<String, String> labels = labels(a);
            for (List<RetentionPolicy.Rule> rules : ruleLevels) {
                for (RetentionPolicy.Rule r : rules) {
                    if (r.matcher().matches(a, labels)) {
                        return r;
                    }
                }
            }
            return null;
        }

        /** Pod labels from the cluster when the pod is alive, else those recorded for the archive. */
        private Map<String, String> labels(ArchiveRecord a) {
            if (live != null) {
                LivePods.Pod pod = live.pod(a.namespace(), a.pod());
                if (pod != null) {
                    return pod.labels();
                }
            }
            return a.labels();
        }

        private void applyLevel(List<ArchiveRecord> group, Limits limits, Level level, String ruleName) {
            if (limits.disabled()) {
                group.forEach(a -> disabledFor.putIfAbsent(a, true));
                return;
            }
            group.forEach(a -> disabledFor.put(a, false));
            List<ArchiveRecord> remaining = new ArrayList<>(
                    group.stream().filter(a -> !doomed.containsKey(a)).toList());
            remaining.sort(OLDEST_FIRST);
            String scope = level.word() + " " + describeScope(remaining.isEmpty() ? null : remaining.get(0), level);

            if (!limits.retainOrphan() && live != null) {
                for (ArchiveRecord a : remaining) {
                    String gone = orphanReason(a, level);
                    if (gone != null) {
                        doom(a, Decision.Reason.ORPHAN, gone + " (" + ruleName + " has retainOrphan: false)");
                    }
                }
            }
            if (limits.maxAge() != null) {
                Instant cutoff = now.minus(limits.maxAge());
                for (ArchiveRecord a : remaining) {
                    if (a.time().isBefore(cutoff)) {
                        doom(
                                a,
                                Decision.Reason.MAX_AGE,
                                "taken " + a.time() + ", older than maxAge "
                                        + limits.maxAge()
                                                .toString()
                                                .substring(2)
                                                .toLowerCase(Locale.ROOT) + " of " + ruleName);
                    }
                }
            }
            for (ArchiveRecord a : remaining) {
                if (a.size() > limits.maxCheckpointSize()) {
                    doom(
                            a,
                            Decision.Reason.MAX_CHECKPOINT_SIZE,
                            a.size() + " bytes exceed maxCheckpointSize " + limits.maxCheckpointSize() + " of "
                                    + ruleName);
                }
            }
            remaining.removeIf(a -> doomed.containsKey(a));
            trim(
                    remaining,
                    limits.maxCheckpoints(),
                    a -> 1L,
                    Decision.Reason.MAX_CHECKPOINTS,
                    "more than " + limits.maxCheckpoints() + " archives for " + scope + " (" + ruleName + ")");
            trim(
                    remaining,
                    limits.maxTotalSize(),
                    ArchiveRecord::size,
                    Decision.Reason.MAX_TOTAL_SIZE,
                    "archives of " + scope + " exceed " + limits.maxTotalSize() + " bytes in total (" + ruleName + ")");
        }

        /** Deletes the oldest unpinned archives while the group's total is over {@code limit}; pinned ones still count. */
        private void trim(
                List<ArchiveRecord> oldestFirst,
                long limit,
                Function<ArchiveRecord, Long> weight,
                Decision.Reason reason,
                String detail) {
            long total = 0;
            for (ArchiveRecord a : oldestFirst) {
                total += weight.apply(a);
            }
            for (var it = oldestFirst.iterator(); it.hasNext() && total > limit; ) {
                ArchiveRecord a = it.next();
                if (a.pinned()) {
                    continue;
                }
                doom(a, reason, detail);
                total -= weight.apply(a);
                it.remove();
            }
        }

        private void doom(ArchiveRecord a, Decision.Reason reason, String detail) {
            if (!a.pinned()) {
                doomed.putIfAbsent(a, new Decision(a, reason, detail));
            }
        }

        private String orphanReason(ArchiveRecord a, Level level) {
            if (a.namespace().isEmpty()) {
                return null; // not a pod's archive: the cluster cannot say it is gone
            }
            return switch (level) {
                case NAMESPACE ->
                    live.namespaces().contains(a.namespace())
                            ? null
                            : "namespace " + a.namespace() + " no longer exists";
                case POD ->
                    live.pod(a.namespace(), a.pod()) != null
                            ? null
                            : "pod " + a.namespace() + "/" + a.pod() + " no longer exists";
                case CONTAINER -> {
                    LivePods.Pod pod = live.pod(a.namespace(), a.pod());
                    if (pod == null) {
                        yield "pod " + a.namespace() + "/" + a.pod() + " no longer exists";
                    }
                    yield pod.containers().contains(a.container())
                            ? null
                            : "container " + a.container() + " no longer exists in pod " + a.namespace() + "/"
                                    + a.pod();
                }
            };
        }

        /** The group an archive counts in at a level; a record, so grouping builds no strings. */
        private static Scope scope(ArchiveRecord a, Level level) {
            return switch (level) {
                case CONTAINER -> new Scope(a.namespace(), a.pod(), a.container());
                case POD -> new Scope(a.namespace(), a.pod(), null);
                case NAMESPACE -> new Scope(a.namespace(), null, null);
            };
        }

        private static String describeScope(ArchiveRecord a, Level level) {
            if (a == null) {
                return "";
            }
            return switch (level) {
                case CONTAINER -> a.namespace() + "/" + a.pod() + "/" + a.container();
                case POD -> a.namespace() + "/" + a.pod();
                case NAMESPACE -> a.namespace();
            };
        }
    }

    private record Scope(String namespace, String pod, String container) {}

    /** A rule's group: rules compare by identity, as hashing a whole rule per archive is wasted work. */
    private record GroupKey(RetentionPolicy.Rule rule, Scope scope) {
        @Override
        public boolean equals(Object o) {
            return o instanceof GroupKey k && k.rule == rule && k.scope.equals(scope);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(rule) * 31 + scope.hashCode();
        }
    }
}

package dev.amber.kube.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.Decision;
import dev.amber.retention.LivePods;
import dev.amber.retention.RetentionEngine;
import dev.amber.retention.RetentionPlan;
import dev.amber.retention.RetentionPolicy;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The retention table: upstream checkpoint-restore-operator's e2e cases (count 0 and 1, per-archive size,
 * total size per container/pod/namespace, orphans, precedence, pinning) and then Amber's additions (age,
 * selectors, export before delete).
 *
 * <p>An archive is written {@code "ns/pod/container AGE SIZE [pin] [exported] [label=value...]"}; its key
 * in the expected deletions is {@code "ns/pod/container AGE"}. Live pods are written
 * {@code "ns/pod c1,c2 [label=value...]"}; no live list means the cluster is unknown.
 */
class RetentionEngineTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    record Case(String name, String policy, List<String> archives, List<String> live, Set<String> deleted) {
        @Override
        public String toString() {
            return name;
        }
    }

    // The retention table: one row per case, the whole behaviour in one place.
    @SuppressWarnings("checkstyle:MethodLength")
    static Stream<Arguments> table() {
        return Stream.of(
                // ---- upstream: count
                c(
                        "maxCheckpoints 0 disables the container level (no global fallback)",
                        """
                        containerPolicies: [{namespace: ns, pod: web, container: app, maxCheckpoints: 0}]
                        """,
                        arch("ns/web/app", 12),
                        null,
                        Set.of()),
                c(
                        "maxCheckpoints 1 keeps only the newest",
                        """
                        containerPolicies: [{namespace: ns, pod: web, container: app, maxCheckpoints: 1}]
                        """,
                        List.of("ns/web/app 3h 1Mi", "ns/web/app 2h 1Mi", "ns/web/app 1h 1Mi"),
                        null,
                        Set.of("ns/web/app 3h", "ns/web/app 2h")),
                c(
                        "global defaults: 10 per container, oldest first",
                        "{}",
                        arch("ns/web/app", 12),
                        null,
                        Set.of("ns/web/app 12h", "ns/web/app 11h")),
                c(
                        "global defaults: 20 per pod over all its containers",
                        "{}",
                        concat(arch("ns/web/a", 8), arch("ns/web/b", 8), arch("ns/web/c", 6)),
                        null,
                        Set.of("ns/web/a 8h", "ns/web/b 8h")),
                c(
                        "global maxCheckpointsPerNamespace 0 disables only that level",
                        "globalPolicy: {maxCheckpointsPerNamespace: 0, maxCheckpointsPerPod: 0, maxCheckpointsPerContainer: 2}",
                        arch("ns/web/app", 3),
                        null,
                        Set.of("ns/web/app 3h")),
                // ---- upstream: sizes
                c(
                        "per-archive size: larger archives go whatever their age",
                        "globalPolicy: {maxCheckpointSize: 5Mi}",
                        List.of("ns/web/app 3h 4Mi", "ns/web/app 2h 6Mi", "ns/web/app 1h 5Mi"),
                        null,
                        Set.of("ns/web/app 2h")),
                c(
                        "total size per container",
                        """
                        containerPolicies: [{namespace: ns, pod: web, container: app, maxTotalSize: 10Mi}]
                        """,
                        List.of("ns/web/app 3h 4Mi", "ns/web/app 2h 4Mi", "ns/web/app 1h 4Mi", "ns/web/other 5h 9Mi"),
                        null,
                        Set.of("ns/web/app 3h")),
                c(
                        "total size per pod counts all its containers, oldest first",
                        """
                        podPolicies: [{namespace: ns, pod: web, maxTotalSize: 10Mi}]
                        """,
                        List.of("ns/web/a 4h 4Mi", "ns/web/b 3h 4Mi", "ns/web/a 2h 4Mi", "ns/web/b 1h 4Mi"),
                        null,
                        Set.of("ns/web/a 4h", "ns/web/b 3h")),
                c(
                        "total size per namespace counts all its pods",
                        """
                        namespacePolicies: [{namespace: ns, maxTotalSize: 8Mi}]
                        """,
                        List.of("ns/a/app 3h 4Mi", "ns/b/app 2h 4Mi", "ns/c/app 1h 4Mi", "other/d/app 9h 4Mi"),
                        null,
                        Set.of("ns/a/app 3h")),
                c(
                        "global maxTotalSizePerNamespace",
                        "globalPolicy: {maxTotalSizePerNamespace: 1Gi}",
                        List.of("ns/a/app 3h 600Mi", "ns/b/app 2h 600Mi", "other/c/app 1h 600Mi"),
                        null,
                        Set.of("ns/a/app 3h")),
                c(
                        "size limit 0 disables the level, as upstream",
                        "globalPolicy: {maxCheckpointSize: 0, maxCheckpointsPerContainer: 1}",
                        arch("ns/web/app", 3),
                        null,
                        Set.of()),
                // ---- upstream: orphans
                c("orphans are kept by default", "{}", List.of("ns/gone/app 1h 1Mi"), List.of("ns/web app"), Set.of()),
                c(
                        "retainOrphan false deletes the archives of deleted pods only",
                        "globalPolicy: {retainOrphan: false}",
                        List.of("ns/gone/app 2h 1Mi", "ns/web/app 1h 1Mi"),
                        List.of("ns/web app"),
                        Set.of("ns/gone/app 2h")),
                c(
                        "retainOrphan false with the cluster unknown deletes nothing",
                        "globalPolicy: {retainOrphan: false}",
                        List.of("ns/gone/app 2h 1Mi"),
                        null,
                        Set.of()),
                c(
                        "a container removed from a live pod is an orphan at the container level",
                        """
                        containerPolicies: [{namespace: ns, pod: web, container: old, retainOrphan: false}]
                        """,
                        List.of("ns/web/old 2h 1Mi", "ns/web/app 1h 1Mi"),
                        List.of("ns/web app"),
                        Set.of("ns/web/old 2h")),
                c(
                        "a deleted namespace orphans its archives at the namespace level",
                        "namespacePolicies: [{namespace: gone, retainOrphan: false}]",
                        List.of("gone/p/app 2h 1Mi", "ns/web/app 1h 1Mi"),
                        List.of("ns/web app"),
                        Set.of("gone/p/app 2h")),
                c(
                        "pinned orphans stay",
                        "globalPolicy: {retainOrphan: false}",
                        List.of("ns/gone/app 2h 1Mi pin"),
                        List.of("ns/web app"),
                        Set.of()),
                // ---- upstream: precedence
                c(
                        "container policy beats pod policy beats namespace policy beats global",
                        """
                        containerPolicies: [{namespace: ns, pod: web, container: app, maxCheckpoints: 3}]
                        podPolicies: [{namespace: ns, pod: web, maxCheckpoints: 1}]
                        namespacePolicies: [{namespace: ns, maxCheckpoints: 2}]
                        globalPolicy: {maxCheckpointsPerContainer: 1}
                        """,
                        concat(arch("ns/web/app", 4), arch("ns/web/side", 2), arch("ns/db/main", 3), arch("x/y/z", 2)),
                        null,
                        Set.of("ns/web/app 4h", "ns/web/side 2h", "ns/db/main 3h", "x/y/z 2h")),
                c(
                        "the first matching entry of a level wins",
                        """
                        podPolicies: [{namespace: ns, pod: web, maxCheckpoints: 1}, {namespace: ns, pod: web, maxCheckpoints: 5}]
                        """,
                        arch("ns/web/app", 2),
                        null,
                        Set.of("ns/web/app 2h")),
                // ---- upstream: pinning
                c(
                        "a pinned archive is never deleted but counts toward the limit",
                        "globalPolicy: {maxCheckpointsPerContainer: 2}",
                        List.of("ns/web/app 3h 1Mi pin", "ns/web/app 2h 1Mi", "ns/web/app 1h 1Mi"),
                        null,
                        Set.of("ns/web/app 2h")),
                c(
                        "pinned archives over the size limit stay and push out the unpinned",
                        "globalPolicy: {maxTotalSizePerContainer: 5Mi}",
                        List.of("ns/web/app 3h 3Mi pin", "ns/web/app 2h 3Mi pin", "ns/web/app 1h 1Mi"),
                        null,
                        Set.of("ns/web/app 1h")),
                // ---- additions: age
                c(
                        "maxAge in the global policy",
                        "globalPolicy: {maxAge: 48h}",
                        List.of("ns/web/app 50h 1Mi", "ns/web/app 47h 1Mi", "ns/db/app 72h 1Mi pin"),
                        null,
                        Set.of("ns/web/app 50h")),
                c(
                        "maxAge per namespace, with days",
                        "namespacePolicies: [{namespace: short, maxAge: 1d}]",
                        List.of("short/a/app 25h 1Mi", "short/a/app 23h 1Mi", "long/a/app 300h 1Mi"),
                        null,
                        Set.of("short/a/app 25h")),
                // ---- additions: selectors
                c(
                        "a selector matches the live pod's labels",
                        """
                        podPolicies: [{selector: {matchLabels: {tier: batch}}, maxCheckpoints: 1}]
                        """,
                        concat(arch("ns/job/app", 3), arch("ns/web/app", 3)),
                        List.of("ns/job app tier=batch", "ns/web app tier=front"),
                        Set.of("ns/job/app 3h", "ns/job/app 2h")),
                c(
                        "a selector falls back to the labels recorded for a gone pod",
                        """
                        podPolicies: [{selector: {matchExpressions: [{key: tier, operator: In, values: [batch]}]}, maxCheckpoints: 1}]
                        """,
                        List.of("ns/job/app 2h 1Mi tier=batch", "ns/job/app 1h 1Mi tier=batch", "ns/web/app 2h 1Mi"),
                        List.of(),
                        Set.of("ns/job/app 2h")),
                c(
                        "NotIn and DoesNotExist",
                        """
                        containerPolicies: [{container: app, selector: {matchExpressions: [{key: tier, operator: NotIn, values: [batch]}, {key: keep, operator: DoesNotExist}]}, maxCheckpoints: 1}]
                        """,
                        List.of(
                                "ns/a/app 2h 1Mi tier=web",
                                "ns/a/app 1h 1Mi tier=web",
                                "ns/b/app 2h 1Mi keep=yes",
                                "ns/b/app 1h 1Mi keep=yes",
                                "ns/c/app 2h 1Mi tier=batch",
                                "ns/c/app 1h 1Mi tier=batch"),
                        null,
                        Set.of("ns/a/app 2h")),
                // ---- additions: export before delete
                c(
                        "archives the export rule covers wait for their export",
                        """
                        globalPolicy: {maxCheckpointsPerContainer: 1}
                        export: {repository: localhost:5000/checkpoints, namespaces: [ns]}
                        """,
                        List.of(
                                "ns/web/app 3h 1Mi exported",
                                "ns/web/app 2h 1Mi",
                                "ns/web/app 1h 1Mi",
                                "other/web/app 2h 1Mi",
                                "other/web/app 1h 1Mi"),
                        null,
                        Set.of("ns/web/app 3h", "other/web/app 2h")),
                // ---- robustness
                c(
                        "unreadable files are listed but never deleted",
                        "globalPolicy: {maxCheckpointsPerContainer: 1, maxAge: 1h}",
                        List.of("ns/web/app 3h 1Mi unreadable", "ns/web/app 2h 1Mi unreadable"),
                        null,
                        Set.of()),
                c(
                        "archives of no pod (Podman) are counted per container name",
                        "globalPolicy: {maxCheckpointsPerContainer: 1}",
                        List.of("//counter 2h 1Mi", "//counter 1h 1Mi", "//other 1h 1Mi"),
                        List.of(),
                        Set.of("//counter 2h")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void retention(Case tc) throws Exception {
        RetentionPolicy policy = PolicyValidator.validate(PolicyFiles.parseSpec(tc.policy(), tc.name()));
        List<ArchiveRecord> archives = new ArrayList<>();
        Map<String, String> keyByFile = new HashMap<>();
        for (String spec : tc.archives()) {
            ArchiveRecord a = archive(spec, archives.size());
            archives.add(a);
            keyByFile.put(a.fileName(), key(spec));
        }
        LivePods live = tc.live() == null ? null : live(tc.live());

        RetentionPlan plan = RetentionEngine.plan(archives, policy, live, NOW);

        Set<String> deleted = new HashSet<>();
        plan.deletions().forEach(d -> deleted.add(keyByFile.get(d.archive().fileName())));
        assertThat(deleted).as("deleted").isEqualTo(tc.deleted());
        assertThat(plan.deletions().size() + plan.kept().size())
                .as("every archive decided once")
                .isEqualTo(archives.size());
        plan.deletions().forEach(d -> {
            assertThat(d.reason().deletes()).isTrue();
            assertThat(d.archive().pinned())
                    .as("pinned archives are never deleted")
                    .isFalse();
        });
    }

    @org.junit.jupiter.api.Test
    void exportCoversEveryMatchingUnexportedArchiveAndDefersItsDeletion() throws Exception {
        RetentionPolicy policy = PolicyValidator.validate(PolicyFiles.parseSpec("""
                globalPolicy: {maxCheckpointsPerContainer: 1}
                export: {repository: localhost:5000/cp, selector: {matchLabels: {backup: "yes"}}}
                """, "test"));
        List<ArchiveRecord> archives = List.of(
                archive("ns/web/app 3h 1Mi backup=yes", 0),
                archive("ns/web/app 2h 1Mi backup=yes exported", 1),
                archive("ns/web/app 1h 1Mi backup=yes", 2),
                archive("ns/db/app 2h 1Mi", 3),
                archive("ns/db/app 1h 1Mi", 4));
        RetentionPlan plan = RetentionEngine.plan(archives, policy, null, NOW);
        assertThat(plan.exports())
                .extracting(ArchiveRecord::fileName)
                .containsExactly(archives.get(0).fileName(), archives.get(2).fileName());
        assertThat(plan.deletions())
                .extracting(d -> d.archive().fileName())
                .containsExactly(archives.get(3).fileName(), archives.get(1).fileName());
        assertThat(plan.kept())
                .filteredOn(d -> d.reason() == Decision.Reason.AWAITING_EXPORT)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.archive()).isEqualTo(archives.get(0));
                    assertThat(d.detail()).contains("max-checkpoints").contains("localhost:5000/cp");
                });

        // Once the export is recorded, the same pass deletes it.
        List<ArchiveRecord> afterExport = new ArrayList<>(archives);
        afterExport.set(0, archives.get(0).withExportedTo("localhost:5000/cp@sha256:0"));
        RetentionPlan next = RetentionEngine.plan(afterExport, policy, null, NOW);
        assertThat(next.deletions())
                .extracting(d -> d.archive().fileName())
                .contains(archives.get(0).fileName());
    }

    @org.junit.jupiter.api.Test
    void reasonsNameTheRuleAndTheLimit() throws Exception {
        RetentionPolicy policy = PolicyValidator.validate(PolicyFiles.parseSpec(
                "podPolicies: [{namespace: ns, pod: web, maxCheckpoints: 1, maxAge: 10h}]", "test"));
        RetentionPlan plan = RetentionEngine.plan(
                List.of(
                        archive("ns/web/app 20h 1Mi", 0),
                        archive("ns/web/app 2h 1Mi", 1),
                        archive("ns/web/app 1h 1Mi", 2)),
                policy,
                null,
                NOW);
        assertThat(plan.deletions())
                .extracting(Decision::describe)
                .containsExactly(
                        "max-age: taken 2026-11-20T16:00:00Z, older than maxAge 10h of podPolicies[0]",
                        "max-checkpoints: more than 1 archives for pod ns/web (podPolicies[0])");
        assertThat(plan.kept()).extracting(Decision::describe).containsExactly("within-limits: within podPolicies[0]");
    }

    // ---- table helpers

    private static Arguments c(
            String name, String policy, List<String> archives, List<String> live, Set<String> deleted) {
        return Arguments.of(new Case(name, policy, archives, live, deleted));
    }

    /** {@code n} 1 MiB archives of one container taken 1h, 2h, ... nh ago. */
    private static List<String> arch(String container, int n) {
        List<String> out = new ArrayList<>();
        for (int i = n; i >= 1; i--) {
            out.add(container + " " + i + "h 1Mi");
        }
        return out;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> list : lists) {
            out.addAll(list);
        }
        return out;
    }

    private static String key(String spec) {
        String[] f = spec.split(" ");
        return f[0] + " " + f[1];
    }

    static ArchiveRecord archive(String spec, int serial) {
        String[] f = spec.split(" ");
        String[] id = f[0].split("/", -1);
        Instant time = NOW.minus(PolicyValidator.parseDuration(f[1]));
        long size = Quantity.getAmountInBytes(new Quantity(f[2]))
                .setScale(0, RoundingMode.UNNECESSARY)
                .min(BigDecimal.valueOf(Long.MAX_VALUE))
                .longValue();
        boolean pinned = false;
        boolean exported = false;
        boolean unreadable = false;
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 3; i < f.length; i++) {
            switch (f[i]) {
                case "pin" -> pinned = true;
                case "exported" -> exported = true;
                case "unreadable" -> unreadable = true;
                default -> labels.put(f[i].split("=")[0], f[i].split("=")[1]);
            }
        }
        String fileName = "checkpoint-" + id[1] + "_" + id[0] + "-" + id[2] + "-" + time + "-" + serial + ".tar";
        if (unreadable) {
            return ArchiveRecord.unreadable(fileName, size, time.toEpochMilli(), "not a container checkpoint");
        }
        return new ArchiveRecord(
                fileName,
                size,
                time.toEpochMilli(),
                id[0],
                id[1],
                null,
                id[2],
                "CRIO",
                time,
                labels,
                null,
                exported ? "localhost:5000/checkpoints@sha256:0" : null,
                pinned);
    }

    private static LivePods live(List<String> specs) {
        Map<String, LivePods.Pod> pods = new HashMap<>();
        Set<String> namespaces = new HashSet<>();
        for (String spec : specs) {
            String[] f = spec.split(" ");
            String[] id = f[0].split("/");
            Map<String, String> labels = new HashMap<>();
            for (int i = 2; i < f.length; i++) {
                labels.put(f[i].split("=")[0], f[i].split("=")[1]);
            }
            pods.put(
                    id[0] + "/" + id[1],
                    new LivePods.Pod(id[0], id[1], "uid-" + id[1], Set.of(f[1].split(",")), labels));
            namespaces.add(id[0]);
        }
        return new LivePods(pods, namespaces);
    }
}

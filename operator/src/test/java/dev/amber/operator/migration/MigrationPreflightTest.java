package dev.amber.operator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.operator.checkpoint.CheckpointPlan.Result;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MigrationPreflightTest {
    @Test
    void bareReplicaSetAndStatefulSetPodsMoveAndOtherOwnersAreRefused() {
        assertThat(MigrationPreflight.owner(pod(null, null)).value()).isEqualTo(new MigrationPreflight.Owner.Bare());
        assertThat(MigrationPreflight.owner(pod("ReplicaSet", "web-7d9f")).value())
                .isEqualTo(new MigrationPreflight.Owner.ReplicaSetPod("web-7d9f"));
        assertThat(MigrationPreflight.owner(pod("StatefulSet", "db")).value())
                .isEqualTo(new MigrationPreflight.Owner.StatefulSetPod("db"));

        Result<MigrationPreflight.Owner> daemon = MigrationPreflight.owner(pod("DaemonSet", "logs"));
        assertThat(daemon.failure().reason()).isEqualTo("UnsupportedOwner");
        assertThat(daemon.failure().message())
                .isEqualTo("pod shop/p is controlled by DaemonSet logs: a DaemonSet runs one pod on every node: its"
                        + " pod belongs to its node");
        assertThat(MigrationPreflight.owner(pod("Job", "nightly")).failed()).isTrue();
        assertThat(MigrationPreflight.owner(pod("Widget", "w")).failure().message())
                .contains("cannot hand a pod back to a Widget");
    }

    @Test
    void emptyDirsTravelAndWhatTheKubeletMakesNeedsNothing() {
        Pod pod = new PodBuilder(pod(null, null))
                .editSpec()
                .addNewVolume()
                .withName("scratch")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addNewVolume()
                .withName("settings")
                .withNewConfigMap()
                .withName("cfg")
                .endConfigMap()
                .endVolume()
                .endSpec()
                .build();

        assertThat(MigrationPreflight.volumes(pod, Map.of(), Map.of(), false, Optional.empty())
                        .value()
                        .emptyDirs())
                .containsExactly("scratch");
    }

    @Test
    void aHostPathMovesOnlyWhereItIsShared() {
        Pod pod = new PodBuilder(pod(null, null))
                .editSpec()
                .addNewVolume()
                .withName("data")
                .withNewHostPath()
                .withPath("/srv/data")
                .endHostPath()
                .endVolume()
                .endSpec()
                .build();

        assertThat(MigrationPreflight.volumes(pod, Map.of(), Map.of(), false, Optional.empty())
                        .failure()
                        .reason())
                .isEqualTo("HostPathVolume");
        assertThat(MigrationPreflight.volumes(pod, Map.of(), Map.of(), true, Optional.empty())
                        .failed())
                .isFalse();
    }

    @Test
    void claimsMoveWhenTheirVolumeCanAttachElsewhere() {
        Pod pod = new PodBuilder(pod(null, null))
                .editSpec()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim()
                .withClaimName("data")
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build();
        Map<String, PersistentVolumeClaim> claims = Map.of("data", claim("pv-1"));

        assertThat(MigrationPreflight.volumes(
                                pod, claims, Map.of("pv-1", network("ReadWriteOnce")), false, Optional.empty())
                        .failed())
                .as("a network volume that attaches anywhere")
                .isFalse();
        assertThat(MigrationPreflight.volumes(pod, claims, Map.of("pv-1", local()), false, Optional.empty())
                        .failure()
                        .message())
                .isEqualTo("pod shop/p: claim data is bound to local volume pv-1, which lives on one node");
        assertThat(MigrationPreflight.volumes(pod, Map.of(), Map.of(), false, Optional.empty())
                        .failure()
                        .message())
                .contains("claim data is not bound to a volume");
    }

    private static Pod pod(String ownerKind, String ownerName) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("p")
                .endMetadata()
                .withNewSpec()
                .endSpec();
        if (ownerKind != null) {
            pod.editMetadata()
                    .addNewOwnerReference()
                    .withApiVersion(ownerKind.equals("Job") ? "batch/v1" : "apps/v1")
                    .withKind(ownerKind)
                    .withName(ownerName)
                    .withController(true)
                    .endOwnerReference()
                    .endMetadata();
        }
        return pod.build();
    }

    private static PersistentVolumeClaim claim(String volume) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data")
                .endMetadata()
                .withNewSpec()
                .withVolumeName(volume)
                .endSpec()
                .build();
    }

    private static PersistentVolume network(String mode) {
        return new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName("pv-1")
                .endMetadata()
                .withNewSpec()
                .withAccessModes(mode)
                .withNewNfs()
                .withServer("nfs.example")
                .withPath("/export")
                .endNfs()
                .endSpec()
                .build();
    }

    private static PersistentVolume local() {
        return new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName("pv-1")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewLocal()
                .withPath("/mnt/disks/ssd1")
                .endLocal()
                .endSpec()
                .build();
    }
}

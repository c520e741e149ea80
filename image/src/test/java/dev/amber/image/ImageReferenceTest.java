package dev.amber.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void registryReferenceWithPortTagAndDigest() throws Exception {
        String digest = "sha256:" + "a".repeat(64);
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/checkpoints/counter:v1@" + digest);
        assertThat(ref.transport()).isEqualTo(ImageReference.Transport.REGISTRY);
        assertThat(ref.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ref.registryHost()).isEqualTo("127.0.0.1");
        assertThat(ref.repository()).isEqualTo("checkpoints/counter");
        assertThat(ref.tag()).isEqualTo("v1");
        assertThat(ref.manifestReference()).isEqualTo(digest);
        assertThat(ref).hasToString("127.0.0.1:5000/checkpoints/counter:v1@" + digest);
    }

    @Test
    void dockerHubNamesAreNormalisedAsDockerDoesIt() throws Exception {
        assertThat(ImageReference.parse("busybox")).satisfies(r -> {
            assertThat(r.registry()).isEqualTo("docker.io");
            assertThat(r.repository()).isEqualTo("library/busybox");
            assertThat(r.tag()).isEqualTo("latest");
        });
        assertThat(ImageReference.parse("docker://team/app:1.0").repository()).isEqualTo("team/app");
        assertThat(ImageReference.parse("localhost/ckpt").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("quay.io/org/ckpt").registry()).isEqualTo("quay.io");
    }

    @Test
    void layoutReferencesTakeAnOptionalTag() throws Exception {
        ImageReference dir = ImageReference.parse("oci:/tmp/layout:counter");
        assertThat(dir.transport()).isEqualTo(ImageReference.Transport.OCI_LAYOUT);
        assertThat(dir.layoutPath()).isEqualTo(Path.of("/tmp/layout"));
        assertThat(dir.tag()).isEqualTo("counter");
        ImageReference archive = ImageReference.parse("oci-archive:out/ckpt.tar");
        assertThat(archive.transport()).isEqualTo(ImageReference.Transport.OCI_ARCHIVE);
        assertThat(archive.layoutPath()).isEqualTo(Path.of("out/ckpt.tar"));
        assertThat(archive.tag()).isEqualTo("latest");
    }

    @Test
    void badReferencesSayWhatIsWrong() {
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessage("empty image reference");
        assertThatThrownBy(() -> ImageReference.parse("Registry.io/UPPER/case")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> ImageReference.parse("host.io/repo:bad tag")).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> ImageReference.parse("host.io/repo@sha256:abc"))
                .hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> ImageReference.parse("s3://bucket/x")).hasMessageContaining("unknown transport");
        assertThatThrownBy(() -> ImageReference.parse("host.io/")).hasMessageContaining("no repository name");
        assertThatThrownBy(() -> ImageReference.parse("oci:")).hasMessageContaining("no path");
    }
}

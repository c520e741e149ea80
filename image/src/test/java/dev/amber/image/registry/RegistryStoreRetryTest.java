package dev.amber.image.registry;

import static dev.amber.image.registry.ScriptedRegistry.Fault.CUT_BODY;
import static dev.amber.image.registry.ScriptedRegistry.Fault.DROP;
import static dev.amber.image.registry.ScriptedRegistry.Fault.DROP_MID_CHUNK_AND_FORGET;
import static dev.amber.image.registry.ScriptedRegistry.Fault.LOSE_ANSWER;
import static dev.amber.image.registry.ScriptedRegistry.Fault.NONE;
import static dev.amber.image.registry.ScriptedRegistry.Fault.OUT_OF_STEP;
import static dev.amber.image.registry.ScriptedRegistry.Fault.REFUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.image.BlobContent;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.ProgressListener;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.Digests;
import dev.amber.image.oci.MediaTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumed uploads and downloads, and when they give up, against a registry that fails on cue: the exact
 * requests a push or pull makes after each kind of failure. (RegistryPushTest checks the same against the real
 * docker-registry behind a faulty proxy, where it is installed.)
 */
class RegistryStoreRetryTest {
    private static final int CHUNK = 100;

    @TempDir
    Path dir;

    private ScriptedRegistry registry;
    private final List<Long> uploaded = new ArrayList<>();
    private final List<Long> downloaded = new ArrayList<>();
    private final ProgressListener progress =
            (step, done, total) -> (step.equals("uploading") ? uploaded : downloaded).add(done);

    @BeforeEach
    void start() throws Exception {
        registry = new ScriptedRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RegistryStore store(int attempts) throws ImageException {
        RegistryOptions options = RegistryOptions.defaults()
                .withInsecure(true)
                .withAuthFile(null)
                .withChunkBytes(CHUNK)
                .withAttempts(attempts)
                .withTimeout(Duration.ofSeconds(10));
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/" + ScriptedRegistry.REPOSITORY);
        return new RegistryStore(
                RegistryStore.newClient(options), ref, options, new AuthFiles(List.of(), false, Map.of()));
    }

    private static byte[] bytes(int size, int seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Descriptor descriptor(byte[] data) {
        return new Descriptor(MediaTypes.OCI_LAYER_TAR, Digests.sha256(data), data.length);
    }

    private static String action(byte[] data) {
        return "upload of blob " + Digests.sha256(data).substring(0, 19);
    }

    private void push(byte[] data, int attempts) throws ImageException {
        store(attempts).putBlob(descriptor(data), BlobContent.ofBytes(data), progress);
    }

    @Test
    void aChunkAnsweredOutOfStepIsSentAgainFromWhereTheRegistryStands() throws Exception {
        byte[] data = bytes(250, 1);
        registry.scriptChunks(NONE, OUT_OF_STEP);
        push(data, 4);
        assertThat(registry.requests())
                .containsExactly(
                        "POST u1",
                        "PATCH u1 0-99",
                        "PATCH u1 100-199",
                        "GET u1",
                        "PATCH u1 100-199",
                        "PATCH u1 200-249",
                        "PUT u1");
        assertThat(registry.blob(Digests.sha256(data))).isEqualTo(data);
        assertThat(uploaded).last().isEqualTo(250L);
    }

    @Test
    void aChunkWhoseAnswerWasLostIsNotSentAgain() throws Exception {
        byte[] data = bytes(250, 2);
        registry.scriptChunks(NONE, LOSE_ANSWER);
        push(data, 4);
        // The registry kept the chunk: the status says so, and the upload goes on after it.
        assertThat(registry.requests())
                .containsExactly(
                        "POST u1", "PATCH u1 0-99", "PATCH u1 100-199", "GET u1", "PATCH u1 200-249", "PUT u1");
        assertThat(registry.blob(Digests.sha256(data))).isEqualTo(data);
    }

    @Test
    void aLastChunkWhoseAnswerWasLostGoesStraightToTheCommit() throws Exception {
        byte[] data = bytes(250, 3);
        registry.scriptChunks(NONE, NONE, LOSE_ANSWER);
        push(data, 4);
        assertThat(registry.requests())
                .containsExactly(
                        "POST u1", "PATCH u1 0-99", "PATCH u1 100-199", "PATCH u1 200-249", "GET u1", "PUT u1");
        assertThat(registry.blob(Digests.sha256(data))).isEqualTo(data);
    }

    @Test
    void anUploadTheRegistryForgotStartsOverFromTheFirstByte() throws Exception {
        byte[] data = bytes(250, 4);
        registry.scriptChunks(NONE, DROP_MID_CHUNK_AND_FORGET);
        push(data, 4);
        assertThat(registry.requests())
                .containsExactly(
                        "POST u1",
                        "PATCH u1 0-99",
                        "PATCH u1 100-199",
                        "GET u1",
                        "POST u2",
                        "PATCH u2 0-99",
                        "PATCH u2 100-199",
                        "PATCH u2 200-249",
                        "PUT u2");
        assertThat(registry.blob(Digests.sha256(data))).isEqualTo(data);
    }

    @Test
    void anUploadGivesUpAfterTheConfiguredFailuresInARowInOneLine() throws Exception {
        byte[] data = bytes(250, 5);
        registry.scriptChunks(NONE, DROP, DROP, DROP);
        assertThatThrownBy(() -> push(data, 3))
                .isInstanceOf(ImageException.class)
                .hasCauseInstanceOf(RegistryConnectionException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .startsWith("connection to registry " + registry.hostPort() + " failed during " + action(data))
                        .endsWith(" (gave up after 3 attempts)"));
        // The third failure ends the upload: there is no status request after it.
        assertThat(registry.requests())
                .containsExactly(
                        "POST u1",
                        "PATCH u1 0-99",
                        "PATCH u1 100-199",
                        "GET u1",
                        "PATCH u1 100-199",
                        "GET u1",
                        "PATCH u1 100-199");
    }

    @Test
    void anAcceptedChunkStartsTheCountOfFailuresAgain() throws Exception {
        byte[] data = bytes(250, 6);
        // Three failures in all, never two in a row: two attempts per chunk are enough.
        registry.scriptChunks(OUT_OF_STEP, NONE, OUT_OF_STEP, NONE, OUT_OF_STEP, NONE);
        push(data, 2);
        assertThat(registry.blob(Digests.sha256(data))).isEqualTo(data);
    }

    @Test
    void outOfStepAnswersInARowGiveUpWithTheRegistrysError() throws Exception {
        byte[] data = bytes(250, 7);
        registry.scriptChunks(OUT_OF_STEP, OUT_OF_STEP);
        assertThatThrownBy(() -> push(data, 2))
                .hasMessage("registry " + registry.hostPort() + " failed " + action(data) + " of "
                        + ScriptedRegistry.REPOSITORY
                        + " (HTTP 416: BLOB_UPLOAD_INVALID invalid content range) (gave up after 2 attempts)");
        assertThat(registry.requests()).containsExactly("POST u1", "PATCH u1 0-99", "GET u1", "PATCH u1 0-99");
    }

    @Test
    void aRefusedChunkIsNotTriedAgain() throws Exception {
        byte[] data = bytes(250, 8);
        registry.scriptChunks(NONE, REFUSE);
        assertThatThrownBy(() -> push(data, 4))
                .hasMessage("registry " + registry.hostPort() + " denied " + action(data) + " of "
                        + ScriptedRegistry.REPOSITORY
                        + " (HTTP 403: DENIED requested access to the resource is denied)");
        assertThat(registry.requests()).containsExactly("POST u1", "PATCH u1 0-99", "PATCH u1 100-199");
    }

    @Test
    void anEmptyBlobIsStartedAndCommittedWithoutChunks() throws Exception {
        byte[] data = new byte[0];
        push(data, 4);
        assertThat(registry.requests()).containsExactly("POST u1", "PUT u1");
    }

    @Test
    void aDownloadCutShortContinuesWithARangeRequest() throws Exception {
        byte[] data = bytes(1000, 9);
        String digest = registry.addBlob(data);
        registry.scriptDownloads(300, CUT_BODY);
        Path target = dir.resolve("layer");
        store(4).getBlob(descriptor(data), target, progress);
        assertThat(registry.requests()).containsExactly("GET blob", "GET blob bytes=300-");
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(Digests.sha256(Files.readAllBytes(target))).isEqualTo(digest);
        assertThat(downloaded).isSorted().last().isEqualTo(1000L);
    }

    @Test
    void aDownloadCutShortOverAndOverFinishesWhileEveryAttemptGetsFurther() throws Exception {
        byte[] data = bytes(1000, 10);
        registry.addBlob(data);
        registry.scriptDownloads(300, CUT_BODY, CUT_BODY, CUT_BODY);
        Path target = dir.resolve("layer");
        store(2).getBlob(descriptor(data), target, progress);
        assertThat(registry.requests())
                .containsExactly("GET blob", "GET blob bytes=300-", "GET blob bytes=600-", "GET blob bytes=900-");
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void aDownloadThatNeverGetsAnAnswerGivesUpInOneLine() throws Exception {
        byte[] data = bytes(1000, 11);
        registry.addBlob(data);
        // The JDK's client sends a GET once more by itself when the connection closes unanswered.
        registry.scriptDownloads(0, DROP, DROP, DROP, DROP, DROP, DROP, DROP, DROP);
        assertThatThrownBy(() -> store(3).getBlob(descriptor(data), dir.resolve("layer"), progress))
                .isInstanceOf(ImageException.class)
                .hasCauseInstanceOf(RegistryConnectionException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .startsWith("connection to registry " + registry.hostPort() + " failed during pull of layer")
                        .endsWith(" (gave up after 3 attempts)"));
    }

    @Test
    void aBodyThatBreaksWithoutProgressGivesUpNamingTheDownload() throws Exception {
        byte[] data = bytes(1000, 12);
        String digest = registry.addBlob(data);
        registry.scriptDownloads(0, CUT_BODY, CUT_BODY);
        assertThatThrownBy(() -> store(2).getBlob(descriptor(data), dir.resolve("layer"), progress))
                .isInstanceOf(ImageException.class)
                // The JDK client reports a body cut short from the stream, or from send() itself when the connection
                // closed before it handed the answer over (seen under load in CI): both are one line naming the layer.
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .satisfiesAnyOf(
                                m -> assertThat(m)
                                        .startsWith("download of " + digest + " from " + registry.hostPort() + "/"
                                                + ScriptedRegistry.REPOSITORY + " failed: "),
                                m -> assertThat(m)
                                        .startsWith("connection to registry " + registry.hostPort()
                                                + " failed during pull of layer: ")
                                        .endsWith(" (gave up after 2 attempts)")));
        assertThat(registry.requests()).containsExactly("GET blob", "GET blob");
    }

    @Test
    void aMissingBlobIsNotAskedForAgain() throws Exception {
        byte[] data = bytes(1000, 13);
        assertThatThrownBy(() -> store(4).getBlob(descriptor(data), dir.resolve("layer"), progress))
                .hasMessage("registry " + registry.hostPort() + " has no blob " + Digests.sha256(data) + " in "
                        + ScriptedRegistry.REPOSITORY);
        assertThat(registry.requests()).containsExactly("GET blob");
    }
}

package dev.amber.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.testkit.podman.Podman;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The registry is real: an image pushed by skopeo shows up in its tag list and storage. */
@Tag("registry")
@Tag("podman")
class LocalRegistryTest {

    @Test
    void acceptsAPushAndListsTheTag() throws Exception {
        Path storage;
        try (LocalRegistry registry = LocalRegistry.start()) {
            storage = registry.storage();
            skopeo(
                    "copy",
                    "--quiet",
                    "--dest-tls-verify=false",
                    "containers-storage:" + Podman.TEST_IMAGE,
                    "docker://" + registry.hostPort() + "/amber-test/busybox:pushed");

            HttpResponse<String> tags = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(registry.uri().resolve("/v2/amber-test/busybox/tags/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(tags.statusCode()).isEqualTo(200);
            assertThat(tags.body()).contains("\"pushed\"");
            assertThat(storage).isDirectory();
        }
        assertThat(Files.exists(storage)).as("storage removed on close").isFalse();
    }

    private static void skopeo(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(concat("skopeo", args))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as("skopeo %s: %s", String.join(" ", args), output)
                .isZero();
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}

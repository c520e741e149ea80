package dev.amber.image.registry;

import dev.amber.image.BlobContent;
import dev.amber.image.HashingFileContent;
import dev.amber.image.ImageException;
import dev.amber.image.ImageReference;
import dev.amber.image.ImageStore;
import dev.amber.image.ProgressListener;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.Digests;
import dev.amber.image.oci.MediaTypes;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import javax.net.ssl.SSLContext;

/**
 * A repository in a registry, spoken to with the OCI distribution API.
 *
 * <p>Uploads are chunked ({@code POST}, then {@code PATCH} with {@code Content-Range}, then {@code PUT
 * ?digest=}). When a connection drops, the upload's status ({@code GET} on its location) tells how many
 * bytes the registry kept, and the upload resumes from there: a dropped connection costs at most one
 * chunk's worth of resending, never the whole layer. {@link BlobUpload} keeps one upload's state;
 * {@link RetryPolicy} decides, for uploads and downloads alike, which failures deserve another attempt and
 * when to give up.
 */
public final class RegistryStore implements ImageStore {
    private static final String MANIFEST_ACCEPT = String.join(
            ", ", MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_LIST);

    private final ImageReference ref;
    private final RegistryOptions options;
    private final RegistryHttp http;
    private final RetryPolicy retry;
    private HttpClient plainClient; // for storage a blob redirects to, which must not see the registry's credentials

    public RegistryStore(HttpClient client, ImageReference ref, RegistryOptions options, AuthFiles authFiles)
            throws ImageException {
        if (!ref.isRegistry()) {
            throw new IllegalArgumentException("not a registry reference: " + ref);
        }
        this.ref = ref;
        this.options = options;
        RegistryTls tls =
                options.insecure() ? RegistryTls.none() : RegistryTls.forRegistry(ref.registry(), options.certsDirs());
        this.http = new RegistryHttp(
                tls.context() == null ? client : newClient(options, tls.context()), ref, options, authFiles, tls);
        this.retry = RetryPolicy.forRegistry(options.attempts());
    }

    /** The HTTP client every registry store shares: HTTP/1.1 (uploads stream on one connection), no redirects. */
    public static HttpClient newClient(RegistryOptions options) {
        return newClient(options, null);
    }

    private static HttpClient newClient(RegistryOptions options, SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    @Override
    public String describe() {
        return ref.registry() + "/" + ref.repository();
    }

    @Override
    public boolean hasBlob(Descriptor blob) throws ImageException {
        HttpResponse<Void> response = http.send(
                http.request(http.repositoryUri("blobs/" + blob.digest()))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding(),
                "blob check");
        return switch (response.statusCode()) {
            case 200 -> response.headers().firstValueAsLong("Content-Length").orElse(blob.size()) == blob.size();
            case 404 -> false;
            default -> throw http.failure("blob check", response);
        };
    }

    @Override
    public void putBlob(Descriptor blob, BlobContent content, ProgressListener progress) throws ImageException {
        upload(content, () -> blob.digest(), "upload of blob " + blob.digest().substring(0, 19), progress);
    }

    /** Uploads and hashes in one read of the archive: the digest is only needed by the final {@code PUT}. */
    @Override
    public String putBlobComputingDigest(String mediaType, HashingFileContent content, ProgressListener progress)
            throws ImageException {
        return upload(content, content::digest, "upload of layer", progress);
    }

    private interface DigestSource {
        String digest() throws ImageException;
    }

    private String upload(BlobContent content, DigestSource digestSource, String action, ProgressListener progress)
            throws ImageException {
        BlobUpload upload = BlobUpload.start(http, content, options.chunkBytes(), action, progress);
        while (!upload.isComplete()) {
            retry.run(action, upload::sendNextChunk);
        }
        String digest = digestSource.digest();
        upload.finish(digest);
        return digest;
    }

    /** The last byte a {@code Range: 0-N} header reports, or -1 when the registry holds nothing yet. */
    static long rangeEnd(String range) {
        if (range == null || range.isBlank()) {
            return -1;
        }
        String r = range.trim();
        if (r.startsWith("bytes=")) {
            r = r.substring(6);
        }
        int dash = r.indexOf('-');
        try {
            return Long.parseLong(r.substring(dash + 1).trim());
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    @Override
    public String putManifest(String tag, byte[] manifest, String mediaType) throws ImageException {
        String digest = Digests.sha256(manifest);
        HttpResponse<byte[]> response = http.send(
                http.request(http.repositoryUri("manifests/" + (tag != null ? tag : digest)))
                        .header("Content-Type", mediaType)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)),
                HttpResponse.BodyHandlers.ofByteArray(),
                "push of manifest");
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw http.failure("push of manifest", response);
        }
        String stored = response.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!stored.equals(digest)) {
            throw new ImageException(
                    "registry " + ref.registry() + " stored the manifest as " + stored + ", expected " + digest);
        }
        return digest;
    }

    /**
     * Deletes the manifest of {@code digest} (the image; its blobs go with the registry's own garbage collection).
     *
     * @return false when the registry has no such manifest (already deleted)
     * @throws ImageException when the registry refuses, e.g. 405 where deletion is turned off
     */
    public boolean deleteManifest(String digest) throws ImageException {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("a manifest is deleted by digest, not by " + digest);
        }
        HttpResponse<byte[]> response = http.send(
                http.request(http.repositoryUri("manifests/" + digest)).DELETE(),
                HttpResponse.BodyHandlers.ofByteArray(),
                "deletion of manifest");
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() != 202 && response.statusCode() != 200) {
            throw http.failure("deletion of manifest", response);
        }
        return true;
    }

    @Override
    public FetchedManifest getManifest(String reference) throws ImageException {
        HttpResponse<byte[]> response = http.send(
                http.request(http.repositoryUri("manifests/" + reference))
                        .header("Accept", MANIFEST_ACCEPT)
                        .GET(),
                HttpResponse.BodyHandlers.ofByteArray(),
                "pull of manifest");
        if (response.statusCode() == 404) {
            throw new ImageException("registry " + ref.registry() + " has no image " + ref.repository()
                    + (reference.startsWith("sha256:") ? "@" : ":") + reference);
        }
        if (response.statusCode() != 200) {
            throw http.failure("pull of manifest", response);
        }
        byte[] body = response.body();
        if (body.length > 4 << 20) {
            throw new ImageException("manifest of " + ref + " is " + body.length + " bytes, too large for a manifest");
        }
        String digest = Digests.sha256(body);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new ImageException(
                    "manifest of " + ref + " has digest " + digest + ", not the requested " + reference);
        }
        String mediaType = response.headers().firstValue("Content-Type").orElse(MediaTypes.OCI_MANIFEST);
        return new FetchedManifest(body, mediaType.split(";")[0].trim(), digest);
    }

    @Override
    public byte[] getSmallBlob(Descriptor blob) throws IOException {
        if (blob.size() > 16 << 20) {
            throw new ImageException("blob " + blob.digest() + " is " + blob.size() + " bytes, too large for a config");
        }
        HttpResponse<InputStream> response = openBlob(blob, 0, "pull of config");
        byte[] data;
        try (InputStream in = response.body()) {
            data = in.readNBytes((int) blob.size() + 1);
        }
        if (data.length != blob.size() || !Digests.sha256(data).equals(blob.digest())) {
            throw new ImageException("blob " + blob.digest() + " from " + describe() + " does not match its digest");
        }
        return data;
    }

    /** Downloads with the same resume idea as uploads: a dropped connection continues with a Range request. */
    @Override
    public void getBlob(Descriptor blob, Path target, ProgressListener progress) throws IOException {
        String actual;
        try (LayerDownload download = new LayerDownload(blob, target, progress)) {
            retry.run(
                    "download of " + blob.digest() + " from " + describe(), download::receiveRest, download::received);
            actual = download.digest();
        }
        if (!actual.equals(blob.digest())) {
            throw new ImageException("layer from " + describe() + " has digest " + actual + ", not " + blob.digest());
        }
    }

    /**
     * A layer written to its file as it arrives. Invariant: {@code received} counts the bytes of the blob written
     * and hashed so far, in order. An attempt after a dropped connection asks for the rest from there, so each byte
     * passes through the hash once and the digest needs no second read of the file.
     */
    private final class LayerDownload implements Closeable {
        private final Descriptor blob;
        private final ProgressListener progress;
        private final OutputStream out;
        private final MessageDigest sha = Digests.newSha256();
        private final byte[] buffer = new byte[1 << 20];
        private long received;

        LayerDownload(Descriptor blob, Path target, ProgressListener progress) throws IOException {
            this.blob = blob;
            this.progress = progress;
            this.out = Files.newOutputStream(
                    target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }

        long received() {
            return received;
        }

        /** Receives the bytes from {@code received} to the end; an empty layer needs no request at all. */
        void receiveRest() throws IOException {
            if (received >= blob.size()) {
                return;
            }
            HttpResponse<InputStream> response = openBlob(blob, received, "pull of layer");
            try (InputStream in = response.body()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (received + n > blob.size()) {
                        throw new ImageException("blob " + blob.digest() + " from " + describe()
                                + " is longer than its descriptor says");
                    }
                    out.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    received += n;
                    progress.progress("downloading", received, blob.size());
                }
            }
            if (received < blob.size()) {
                throw new RegistryConnectionException(
                        "registry " + ref.registry() + " ended the layer download early", null);
            }
        }

        String digest() {
            return Digests.of(sha);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Opens a blob from {@code offset}, following a redirect to storage without sending our credentials there. */
    private HttpResponse<InputStream> openBlob(Descriptor blob, long offset, String action) throws ImageException {
        HttpRequest.Builder request =
                http.request(http.repositoryUri("blobs/" + blob.digest())).GET();
        if (offset > 0) {
            request.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream(), action);
        for (int hops = 0; hops < 5 && isRedirect(response.statusCode()); hops++) {
            URI target = http.base()
                    .resolve(response.headers().firstValue("Location").orElseThrow());
            closeQuietly(response);
            HttpRequest.Builder follow =
                    HttpRequest.newBuilder(target).timeout(options.timeout()).GET();
            if (offset > 0) {
                follow.header("Range", "bytes=" + offset + "-");
            }
            try {
                response = newPlainClient().send(follow.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new RegistryConnectionException(
                        "download from " + target.getHost() + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException(action + " interrupted");
            }
        }
        int status = response.statusCode();
        if (status == 404) {
            closeQuietly(response);
            throw new ImageException(
                    "registry " + ref.registry() + " has no blob " + blob.digest() + " in " + ref.repository());
        }
        if (offset > 0 && status == 200) {
            closeQuietly(response);
            throw new ImageException("registry " + ref.registry() + " cannot resume a download (no Range support)");
        }
        if (status != 200 && status != 206) {
            throw http.failure(action, response);
        }
        return response;
    }

    private HttpClient newPlainClient() {
        if (plainClient == null) {
            plainClient = HttpClient.newBuilder()
                    .connectTimeout(options.timeout())
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return plainClient;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // nothing to do about a connection we abandon
        }
    }

    @Override
    public void close() {
        // the HTTP client is shared and owned by whoever created it
    }
}

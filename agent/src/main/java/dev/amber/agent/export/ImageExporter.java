package dev.amber.agent.export;

import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.PushResult;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.retention.ArchiveRecord;
import dev.amber.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exports through the image library: the archive becomes a one-layer checkpoint image tagged after the
 * archive's file name. Verified means the registry serves the manifest by the digest the push
 * returned and that manifest's layer is the archive that was pushed ({@link VerifiedPush}); only then
 * does retention see an export and may delete the archive.
 */
public final class ImageExporter implements CheckpointExporter {
    private static final int MAX_TAG = 128;

    private final Map<Boolean, CheckpointImages> images = new ConcurrentHashMap<>();
    private final RegistryOptions options;

    public ImageExporter(RegistryOptions options) {
        this.options = options;
    }

    @Override
    public String export(Path archive, ArchiveRecord record, RetentionPolicy.Export rule) throws IOException {
        CheckpointImages library = images.computeIfAbsent(
                rule.plainHttp(), plain -> CheckpointImages.standard(options.withInsecure(plain)));
        ImageReference ref = ImageReference.parse(rule.repository() + ":" + tagFor(record.fileName()));
        PushResult pushed = VerifiedPush.push(library, archive, ref, record.size());
        return rule.repository() + "@" + pushed.manifestDigest();
    }

    /**
     * A tag from an archive name ({@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}): the kubelet's
     * {@code checkpoint-web_shop-app-2026-11-21T05:00:00Z.tar} becomes
     * {@code checkpoint-web_shop-app-2026-11-21T05-00-00Z}; a name too long keeps its end and gains a hash.
     */
    static String tagFor(String fileName) {
        String base = fileName.replaceFirst("\\.(tar|tar\\.gz|tgz|tar\\.zst|tar\\.zstd)$", "");
        String tag = base.replaceAll("[^A-Za-z0-9_.-]", "-");
        if (!Character.isLetterOrDigit(tag.charAt(0)) && tag.charAt(0) != '_') {
            tag = "_" + tag;
        }
        if (tag.length() > MAX_TAG) {
            String hash = sha256(fileName).substring(0, 12);
            tag = tag.substring(0, 1) + "-" + hash + "-" + tag.substring(tag.length() - (MAX_TAG - 15));
        }
        return tag;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.amber.image.oci;

import dev.amber.image.ImageException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** {@code sha256:<hex>} digests, the only algorithm a checkpoint image uses. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {}

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String of(MessageDigest finished) {
        return "sha256:" + HexFormat.of().formatHex(finished.digest());
    }

    public static String sha256(byte[] data) {
        MessageDigest md = newSha256();
        md.update(data);
        return of(md);
    }

    /** The hex part, safe to use as a file name because the digest was validated. */
    public static String hex(String digest) {
        requireValid(digest);
        return digest.substring("sha256:".length());
    }

    public static void requireValid(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
    }

    /** Checks a digest that came from outside (a manifest, a registry) before it is used. */
    public static String checked(String digest, String where) throws ImageException {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new ImageException(where + " names an unsupported or malformed digest: " + digest);
        }
        return digest;
    }
}

package dev.amber.image.registry;

import dev.amber.image.ImageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, in the forms {@code openssl} writes and Go's
 * {@code tls.LoadX509KeyPair} (which Podman and Docker use) reads: PKCS#8 {@code PRIVATE KEY}, PKCS#1
 * {@code RSA PRIVATE KEY} and SEC1 {@code EC PRIVATE KEY}. The JDK reads only PKCS#8, so the other two
 * are wrapped in a PKCS#8 envelope first.
 */
final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM =
            der(0x30, concat(der(0x06, hex("2a864886f70d010101")), der(0x05, new byte[0])));
    private static final byte[] EC_PUBLIC_KEY_OID = der(0x06, hex("2a8648ce3d0201"));

    private PemFiles() {}

    static List<X509Certificate> certificates(Path file) throws ImageException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new ImageException(file + " holds no PEM certificate");
            }
            return out;
        } catch (IOException | CertificateException e) {
            throw new ImageException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws ImageException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ImageException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            String body = m.group(2);
            if (body.contains("ENCRYPTED") || type.equals("ENCRYPTED PRIVATE KEY")) {
                throw new ImageException(file
                        + " is an encrypted key; a registry client key must be unencrypted, as for Podman and Docker");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new ImageException(file + ": the " + type + " block is not base64");
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(der(0x30, concat(der(0x02, new byte[] {0}), RSA_ALGORITHM, der(0x04, der))), file);
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(
                            der(
                                    0x30,
                                    concat(
                                            der(0x02, new byte[] {0}),
                                            der(0x30, concat(EC_PUBLIC_KEY_OID, ecCurve(der, file))),
                                            der(0x04, der))),
                            file);
                }
                default -> {
                    // another block (EC PARAMETERS before an EC key, say): look further
                }
            }
        }
        throw new ImageException(file + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws ImageException {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next
            }
        }
        throw new ImageException(
                file + " holds a private key of a kind this client cannot use (RSA, EC and Ed25519 work)");
    }

    /**
     * The named-curve OID of a SEC1 {@code ECPrivateKey}: {@code SEQUENCE {version, privateKey OCTET STRING,
     * [0] parameters, [1] publicKey}}. A key without parameters cannot be placed on a curve.
     */
    private static byte[] ecCurve(byte[] sec1, Path file) throws ImageException {
        int[] outer = header(sec1, 0, file);
        int i = outer[0];
        int end = outer[0] + outer[1];
        while (i < end) {
            int tag = sec1[i] & 0xff;
            int[] h = header(sec1, i, file);
            if (tag == 0xa0) {
                int[] oid = header(sec1, h[0], file);
                byte[] out = new byte[oid[0] + oid[1] - h[0]];
                System.arraycopy(sec1, h[0], out, 0, out.length);
                return out;
            }
            i = h[0] + h[1];
        }
        throw new ImageException(
                file + " is an EC key without its curve; write it with the curve named (openssl ec -param_out)");
    }

    /** {start of content, content length} of the DER element at {@code offset}. */
    private static int[] header(byte[] der, int offset, Path file) throws ImageException {
        if (offset + 2 > der.length) {
            throw new ImageException(file + " holds a truncated key");
        }
        int length = der[offset + 1] & 0xff;
        int start = offset + 2;
        if (length > 0x80) {
            int count = length & 0x7f;
            length = 0;
            for (int k = 0; k < count; k++) {
                length = (length << 8) | (der[start + k] & 0xff);
            }
            start += count;
        }
        if (start + length > der.length) {
            throw new ImageException(file + " holds a truncated key");
        }
        return new int[] {start, length};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int k = bytes - 1; k >= 0; k--) {
                out.write(n >>> (8 * k));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }
}

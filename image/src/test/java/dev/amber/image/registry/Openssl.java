package dev.amber.image.registry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test certificates and keys made with Debian's {@code openssl}, in the PEM forms users have in certs.d. */
final class Openssl {
    private Openssl() {}

    /** A self-signed certificate ({@code NAME.pem}) and its key ({@code NAME.key}); with {@code ip}, valid for that address. */
    static Path selfSigned(Path dir, String name, String ip) throws Exception {
        Path cert = dir.resolve(name + ".pem");
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                dir.resolve(name + ".key").toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=" + (ip != null ? ip : name)));
        if (ip != null) {
            command.addAll(List.of("-addext", "subjectAltName=IP:" + ip));
        }
        run(command.toArray(String[]::new));
        return cert;
    }

    /** The kinds of key files openssl writes: PKCS#8 RSA (its default), PKCS#1 RSA, SEC1 EC, PKCS#8 Ed25519. */
    enum KeyKind {
        RSA_PKCS8,
        RSA_PKCS1,
        EC_SEC1,
        ED25519
    }

    /** Writes {@code NAME.key} of the given kind and {@code NAME.cert} for it, signed by the CA {@code caName} in {@code dir}. */
    static Path clientCertificate(Path dir, String caName, String name, KeyKind kind) throws Exception {
        Path key = dir.resolve(name + ".key");
        switch (kind) {
            case RSA_PKCS8 ->
                run(
                        "openssl",
                        "genpkey",
                        "-algorithm",
                        "RSA",
                        "-pkeyopt",
                        "rsa_keygen_bits:2048",
                        "-out",
                        key.toString());
            case RSA_PKCS1 -> run("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048");
            case EC_SEC1 -> run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", key.toString());
            case ED25519 -> run("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString());
        }
        Path csr = dir.resolve(name + ".csr");
        run("openssl", "req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString());
        Path cert = dir.resolve(name + ".cert");
        run(
                "openssl",
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                dir.resolve(caName + ".pem").toString(),
                "-CAkey",
                dir.resolve(caName + ".key").toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                cert.toString());
        return cert;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}

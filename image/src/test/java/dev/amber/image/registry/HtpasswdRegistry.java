package dev.amber.image.registry;

import dev.amber.testkit.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Debian's docker-registry with {@code auth: htpasswd}: it answers 401 with a {@code Basic} challenge
 * and checks the user and password against a bcrypt htpasswd file, as a small private registry does.
 */
final class HtpasswdRegistry implements AutoCloseable {
    static final String USER = "helper-user";
    static final String PASSWORD = "helper-pass-7";

    private final Path dir;
    private final LocalRegistry registry;

    private HtpasswdRegistry(Path dir, LocalRegistry registry) {
        this.dir = dir;
        this.registry = registry;
    }

    static HtpasswdRegistry start() throws Exception {
        Path dir = Files.createTempDirectory("amber-htpasswd-registry-");
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        // Cost 4, the lowest: the registry checks the hash on every request.
        Path htpasswd = Files.writeString(
                dir.resolve("htpasswd"),
                USER + ":" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 4) + "\n");
        LocalRegistry registry = LocalRegistry.start("", """
                auth:
                  htpasswd:
                    realm: amber-test
                    path: %s
                """.formatted(htpasswd));
        return new HtpasswdRegistry(dir, registry);
    }

    String hostPort() {
        return registry.hostPort();
    }

    @Override
    public void close() throws Exception {
        registry.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

package dev.amber.wrapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The runtime's launcher, {@code launcher/amber-wrap.in}, filled in as wrapper/build-runtime does,
 * except that it starts a given java with a given class path: the launcher's shell logic is what
 * these tests run, without building a jlink runtime first.
 */
final class TestLauncher {
    static final Path TEMPLATE = Path.of("launcher/amber-wrap.in");

    private TestLauncher() {}

    /** Launches this test's JVM and class path. */
    static Path render(Path dir) {
        return render(
                dir, Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"));
    }

    static Path render(Path dir, Path java, String classPath) {
        try {
            String script = Files.readString(TEMPLATE)
                    .replace("@JAVA@", "'" + java + "'")
                    .replace("@CLASSPATH@", "'" + classPath + "'");
            Path launcher = dir.resolve("amber-wrap");
            Files.writeString(launcher, script);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            return launcher;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

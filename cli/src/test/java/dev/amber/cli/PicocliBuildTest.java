package dev.amber.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * third-party/picocli exists so picocli's classes are modern enough for the JDK's AOT cache
 * (class-file version 50 or later; the published jar is version 49). If the build ever falls back to
 * the published jar, start-up silently gets a third slower: this catches it.
 */
class PicocliBuildTest {
    @Test
    void picocliOnTheClassPathIsCompiledForJava21() throws IOException {
        try (InputStream in = CommandLine.class.getResourceAsStream("CommandLine.class")) {
            assertThat(in).isNotNull();
            DataInputStream data = new DataInputStream(in);
            assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort(); // minor version
            assertThat(data.readUnsignedShort()).as("class-file major version").isEqualTo(65);
        }
    }
}

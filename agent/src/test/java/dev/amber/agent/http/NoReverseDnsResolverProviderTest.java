package dev.amber.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NoReverseDnsResolverProviderTest {
    @Test
    void anAddressStandsForItselfWhileNamesStillResolve() throws Exception {
        // The JDK's own resolver names 127.0.0.1 "localhost" from /etc/hosts; this JVM must not look.
        assertThat(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName())
                .isEqualTo("127.0.0.1");
        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
    }
}

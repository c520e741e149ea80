package dev.amber.archive.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.archive.criu.Addresses;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void formatsIpv4Ipv6AndMappedAddresses() {
        assertThat(Addresses.format(List.of(0x0100007f))).isEqualTo("127.0.0.1");
        assertThat(Addresses.format(List.of(0, 0, 0xffff0000, 0x0a0a0a0a))).isEqualTo("10.10.10.10");
        assertThat(Addresses.format(List.of(0, 0, 0, 0x01000000))).isEqualTo("::1");
        assertThat(Addresses.format(List.of(0xb80d0120, 0, 0, 0x01000000))).isEqualTo("2001:db8::1");
        assertThat(Addresses.format(List.of(0, 0, 0, 0))).isEqualTo("::");
        assertThat(Addresses.format(List.of())).isEmpty();
    }
}

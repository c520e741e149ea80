package dev.amber.agent.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * Name resolution as the JDK does it, except that no address is ever looked up by reverse DNS.
 *
 * <p>The JDK's HTTPS server asks for the client's host name ({@code InetSocketAddress.getHostName()})
 * before the TLS handshake of every connection. On a node whose pods cannot reach a DNS server
 * quickly, that PTR query blocks each connection for the resolver's whole timeout: the kubelet's
 * readiness probe and every API call to the agent time out, as seen on the local cluster, where pods
 * get the host's resolver and cannot reach it. Amber never needs a peer's host name, so the address
 * stands for itself. Installed for the whole JVM through {@code META-INF/services}.
 */
public final class NoReverseDnsResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy)
                    throws UnknownHostException {
                return builtin.lookupByName(host, lookupPolicy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                // InetAddress.getHostName() answers with the literal address when this throws.
                throw new UnknownHostException("Amber does no reverse DNS lookups");
            }
        };
    }

    @Override
    public String name() {
        return "amber-no-reverse-dns";
    }
}

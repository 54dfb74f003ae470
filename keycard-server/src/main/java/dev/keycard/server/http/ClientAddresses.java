package dev.keycard.server.http;

import dev.keycard.server.config.AddressRanges;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The address a request came from: its connection's peer; or, when the peer is a proxy listed in
 * {@code http.trusted-proxies}, the address that proxy names in {@code X-Forwarded-For}: the
 * right-most entry that is not itself a trusted proxy (entries to its left were written by the
 * client and prove nothing), its port dropped. An entry that is not an IP address, and the header
 * from any other peer, are ignored: the peer it is.
 */
public final class ClientAddresses {

    private final AddressRanges trustedProxies;

    public ClientAddresses(AddressRanges trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        String peer = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
        if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        List<String> headers = request.headers().getAll("X-Forwarded-For");
        String client = peer;
        for (int h = headers.size() - 1; h >= 0; h--) {
            String[] hops = headers.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                if (hops[i].isBlank()) {
                    continue;
                }
                Optional<String> hop = AddressRanges.address(hops[i]);
                if (hop.isEmpty()) {
                    return peer; // a proxy that writes something else: believe nothing it says
                }
                if (!trustedProxies.contains(hop.get())) {
                    return hop.get();
                }
                client = hop.get();
            }
        }
        return client;
    }
}

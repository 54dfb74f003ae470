package dev.keycard.server.http;

import dev.keycard.server.config.AddressRanges;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * The address a request came from: its connection's peer; or, when the peer is a proxy listed in
 * {@code http.trusted-proxies}, the address that proxy names in {@code X-Forwarded-For}: the
 * right-most entry that is not itself a trusted proxy (entries to its left were written by the
 * client and prove nothing). From any other peer the header is ignored.
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
                String hop = hops[i].trim();
                if (hop.isEmpty()) {
                    continue;
                }
                if (!trustedProxies.contains(hop)) {
                    return hop.length() > 64 ? hop.substring(0, 64) : hop;
                }
                client = hop;
            }
        }
        return client;
    }
}

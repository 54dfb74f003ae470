package dev.keycard.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * What every route that reads a request needs besides its endpoint: the runtime, where a request
 * comes from, the access log it reports its caller to, and the limits on a body.
 *
 * @param maxBodyBytes the largest body read ({@code http.max-body-bytes})
 * @param timeoutMillis how long a body may take to arrive ({@code http.request-timeout})
 */
public record RouteSupport(Vertx vertx, ClientAddresses addresses, AccessLog accessLog, int maxBodyBytes,
                           long timeoutMillis, ClientCertificateSource certificates) {

    /** Where {@code request} came from: {@link ClientAddresses#of}. */
    public String source(HttpServerRequest request) {
        return addresses.of(request);
    }

    /** The client certificate the request carries, leaf first, read when asked: {@link ClientCertificateSource#of}. */
    java.util.function.Supplier<java.util.List<java.security.cert.X509Certificate>> clientCertificate(
            HttpServerRequest request) {
        return certificates.of(request);
    }
}

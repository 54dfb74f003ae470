/**
 * keycard-resource, for APIs: verifies Keycard's access tokens (RFC 9068, RFC 8725), checks
 * scopes and answers RFC 6750 errors, with adapters for Servlet and Vert.x (each needed only when
 * used). Only the packages exported here are API; {@code dev.keycard.resource.internal} may change
 * in any release.
 */
module dev.keycard.resource {
    requires transitive dev.keycard.protocol;
    requires java.net.http;
    requires com.nimbusds.jose.jwt;
    requires static io.vertx.core;
    requires static jakarta.servlet;
    requires static org.jspecify;

    exports dev.keycard.resource;
    exports dev.keycard.resource.servlet;
    exports dev.keycard.resource.vertx;
}

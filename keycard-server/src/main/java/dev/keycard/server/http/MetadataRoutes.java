package dev.keycard.server.http;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.server.client.ClientAssertions;
import dev.keycard.protocol.GrantType;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.KeyManager;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The documents clients discover Keycard through: RFC 8414 authorization server metadata (also
 * served at the OpenID Connect discovery path, which many libraries ask for) and the JWKS (RFC
 * 7517 §5), public keys only.
 */
final class MetadataRoutes {

    private final Supplier<String> issuer;
    private final Set<GrantType> grantTypes;
    private final KeyManager keys;
    private final int maxAgeSeconds;
    private final java.util.List<String> dpopAlgs;
    private final boolean mtls;
    private volatile String metadata;

    /** @param maxAge {@code keys.jwks-max-age}: the publish lead of a new key is at least this long */
    MetadataRoutes(Supplier<String> issuer, Set<GrantType> grantTypes, KeyManager keys, java.time.Duration maxAge,
                   java.util.List<String> dpopAlgs, boolean mtls) {
        this.issuer = issuer;
        this.mtls = mtls;
        this.dpopAlgs = dpopAlgs;
        this.grantTypes = grantTypes;
        this.keys = keys;
        this.maxAgeSeconds = (int) maxAge.toSeconds();
    }

    void metadata(HttpServerRequest request) {
        if (onlyGet(request)) {
            String doc = metadata;
            if (doc == null) {
                doc = render();
                metadata = doc;
            }
            Responses.cacheableJson(request, doc, maxAgeSeconds);
        }
    }

    void jwks(HttpServerRequest request) {
        if (onlyGet(request)) {
            Responses.cacheableJson(request, keys.ring().jwksJson(), maxAgeSeconds);
        }
    }

    private String render() {
        String iss = issuer.get();
        JsonArray algs = new JsonArray();
        Arrays.stream(SigningAlg.values()).forEach(a -> algs.add(a.name()));
        JsonArray grants = new JsonArray();
        grantTypes.stream().map(GrantType::value).sorted().forEach(grants::add);
        JsonArray authMethods = new JsonArray()
                .add(ClientAuthMethod.CLIENT_SECRET_BASIC.value())
                .add(ClientAuthMethod.CLIENT_SECRET_POST.value())
                .add(ClientAuthMethod.PRIVATE_KEY_JWT.value());
        if (mtls) { // RFC 8705 §2: where client certificates reach Keycard
            authMethods.add(ClientAuthMethod.TLS_CLIENT_AUTH.value()).add(ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH.value());
        }
        // RFC 8414 §2: the algorithms private_key_jwt assertions may be signed with, at each endpoint.
        JsonArray assertionAlgs = new JsonArray(ClientAssertions.ALGORITHMS.stream().map(SigningAlg::name).toList());
        JsonObject doc = new JsonObject()
                .put("issuer", iss)
                .put("token_endpoint", iss + "/oauth2/token")
                .put("jwks_uri", iss + "/oauth2/jwks")
                .put("grant_types_supported", grants)
                .put("token_endpoint_auth_methods_supported", authMethods)
                .put("token_endpoint_auth_signing_alg_values_supported", assertionAlgs)
                // RFC 9449 §5.1: the algorithms a DPoP proof may be signed with.
                .put("dpop_signing_alg_values_supported", new JsonArray(dpopAlgs))
                .put("response_types_supported", new JsonArray())
                .put("access_token_signing_alg_values_supported", algs)
                .put("introspection_endpoint", iss + "/oauth2/introspect")
                .put("introspection_endpoint_auth_methods_supported", authMethods.copy())
                .put("introspection_endpoint_auth_signing_alg_values_supported", assertionAlgs.copy())
                .put("introspection_signing_alg_values_supported", new JsonArray().add(SigningAlg.RS256.name()))
                .put("revocation_endpoint", iss + "/oauth2/revoke")
                .put("revocation_endpoint_auth_methods_supported", authMethods.copy())
                .put("revocation_endpoint_auth_signing_alg_values_supported", assertionAlgs.copy())
                // Not in RFC 8414's registry, hence the prefix: Server-Sent Events of revocations.
                .put("keycard_revocation_events_endpoint", iss + "/oauth2/revocation-events");
        if (mtls) {
            // RFC 8705 §3.3 and §5: tokens may be bound to the client certificate; the mutual-TLS
            // endpoints are the same ones, on the same port.
            doc.put("tls_client_certificate_bound_access_tokens", true).put("mtls_endpoint_aliases", new JsonObject()
                    .put("token_endpoint", iss + "/oauth2/token").put("introspection_endpoint", iss + "/oauth2/introspect")
                    .put("revocation_endpoint", iss + "/oauth2/revoke"));
        }
        return doc.encodePrettily();
    }

    static boolean onlyGet(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
            return true;
        }
        Responses.problem(request, Responses.Problem.of(405, "method-not-allowed", "Method not allowed",
                "use GET").withHeader("Allow", "GET, HEAD"));
        return false;
    }
}

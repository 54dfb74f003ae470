package dev.keycard.resource;

import dev.keycard.protocol.ScopeSet;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * What every adapter does with a request, independent of the web framework: take the access
 * token from the {@code Authorization} header ({@code Bearer}, RFC 6750 §2.1, or {@code DPoP},
 * RFC 9449 §7.1), verify it, hold a bound token to its key, check its scopes, and turn each failure
 * into its RFC 6750 §3 or RFC 9449 §7.1 error. A token bound to a DPoP key ({@code cnf.jkt}) is
 * accepted only under the {@code DPoP} scheme with a proof signed by that key for this request
 * (its method, URI and the token's hash, {@code ath}), checked on every request even when the
 * token itself is cached; sent as {@code Bearer}, it is refused. A token bound to a client
 * certificate ({@code cnf.x5t#S256}, RFC 8705 §3) is accepted only on a request that presents that
 * certificate (the TLS connection's, as the adapter passes it). The reason a request failed is
 * logged here, with the client where it is known, and never the token.
 */
public final class BearerAuthentication {

    private static final System.Logger LOG = System.getLogger(BearerAuthentication.class.getName());

    /** What became of a request. */
    public sealed interface Outcome permits Authorized, Refused {
    }

    /** The token is good and carries the required scopes. */
    public record Authorized(VerifiedToken token) implements Outcome {
    }

    /** The request is refused with this error. */
    public record Refused(BearerError error) implements Outcome {
    }

    /**
     * What the checks need of an HTTP request. {@link #uri()} is asked only for a DPoP proof and
     * {@link #clientCertificate()} only for a certificate-bound token, so an adapter may compute them
     * then: a bearer token costs neither a URI parse nor a look at the TLS session.
     */
    public interface Request {

        /** Every {@code Authorization} header value. */
        List<String> authorization();

        /** Every {@code DPoP} header value. */
        List<String> dpop();

        /** The request's method. */
        String method();

        /**
         * The URI the client sent the request to (its query is ignored), as a DPoP proof's
         * {@code htu} names it: behind a proxy, the public one.
         */
        URI uri();

        /** The certificate chain the client presented, leaf first; empty without one. */
        List<X509Certificate> clientCertificate();

        /** A request whose parts are all known. */
        static Request of(List<String> authorization, List<String> dpop, String method, URI uri,
                          List<X509Certificate> clientCertificate) {
            return new Known(List.copyOf(authorization), List.copyOf(dpop), Objects.requireNonNull(method, "method"),
                    Objects.requireNonNull(uri, "uri"), List.copyOf(clientCertificate));
        }

        /** A request without a client certificate. */
        static Request of(List<String> authorization, List<String> dpop, String method, URI uri) {
            return of(authorization, dpop, method, uri, List.of());
        }
    }

    private record Known(List<String> authorization, List<String> dpop, String method, URI uri,
                         List<X509Certificate> clientCertificate) implements Request {
    }

    private final AccessTokenVerifier verifier;
    private final DPoPProofVerifier proofs;

    /** Accepts bearer tokens and DPoP-bound tokens with proofs checked by a default {@link DPoPProofVerifier}. */
    public BearerAuthentication(AccessTokenVerifier verifier) {
        this(verifier, DPoPProofVerifier.builder().build());
    }

    /** Accepts bearer tokens and DPoP-bound tokens whose proofs {@code proofs} checks. */
    public BearerAuthentication(AccessTokenVerifier verifier, DPoPProofVerifier proofs) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.proofs = Objects.requireNonNull(proofs, "proofs");
    }

    /**
     * Authenticates a request by its {@code Authorization} header values alone: bearer tokens
     * only (a DPoP-bound token is refused, having no proof to check). Prefer
     * {@link #authenticate(Request, ScopeSet)}.
     */
    public CompletableFuture<Outcome> authenticate(List<String> authorization, ScopeSet required) {
        return authenticate(authorization, null, required);
    }

    /**
     * Authenticates a request and requires the given scopes. Completes at once unless the
     * verifier must fetch keys.
     */
    public CompletableFuture<Outcome> authenticate(Request request, ScopeSet required) {
        return authenticate(request.authorization(), request, required);
    }

    private CompletableFuture<Outcome> authenticate(List<String> authorization, @Nullable Request request,
                                                    ScopeSet required) {
        BearerHeader.Credentials credentials;
        try {
            credentials = BearerHeader.credentials(authorization, request != null);
        } catch (BearerHeader.Malformed e) {
            LOG.log(Level.INFO, "refused: malformed Authorization header: {0}", e.getMessage());
            return CompletableFuture.completedFuture(new Refused(BearerError.invalidRequest(e.getMessage())));
        }
        if (credentials == null) {
            return CompletableFuture.completedFuture(new Refused(BearerError.missingToken()));
        }
        return verifier.verifyAsync(credentials.token()).handle((verified, failure) -> {
            if (failure != null) {
                return refusal(failure, credentials.dpop());
            }
            Refused unbound = binding(verified, credentials, request);
            if (unbound != null) {
                return unbound;
            }
            if (!verified.hasScopes(required)) {
                LOG.log(Level.INFO, "refused: client {0} lacks scope {1} (has {2})",
                        verified.clientId(), verified.scopes().missing(required), verified.scopes());
                return new Refused(BearerError.insufficientScope(required));
            }
            return new Authorized(verified);
        });
    }

    /** The token held to its key (RFC 9449 §7.1, §7.2); null when it may be used as presented. */
    private @Nullable Refused binding(VerifiedToken token, BearerHeader.Credentials credentials,
                                      @Nullable Request request) {
        String x5t = token.certificateThumbprint().orElse(null);
        if (x5t != null) {
            List<X509Certificate> presented = request == null ? List.of() : request.clientCertificate();
            if (presented.isEmpty()) {
                return dpopRefusal("invalid_token", "refused: client {0}: a certificate-bound token without a client certificate",
                        token, credentials.dpop(), null);
            }
            if (!MessageDigest.isEqual(x5t.getBytes(StandardCharsets.US_ASCII),
                    certificateThumbprint(presented.get(0)).getBytes(StandardCharsets.US_ASCII))) {
                return dpopRefusal("invalid_token", "refused: client {0}: the client certificate is not the one the token is bound to",
                        token, credentials.dpop(), null);
            }
        }
        String jkt = token.dpopThumbprint().orElse(null);
        if (x5t == null && jkt == null && token.isBound()) {
            return dpopRefusal("invalid_token", "refused: client {0}: a token bound by a cnf this library cannot check",
                    token, credentials.dpop(), null);
        }
        if (!credentials.dpop()) {
            return jkt == null ? null : dpopRefusal("invalid_token",
                    "refused: client {0}: a DPoP-bound token sent with the Bearer scheme", token, true, null);
        }
        if (jkt == null) {
            return dpopRefusal("invalid_token", "refused: client {0}: a token bound to no DPoP key sent with the DPoP scheme",
                    token, true, null);
        }
        try {
            proofs.verify(request.dpop(), request.method(), request.uri(), credentials.token(), jkt);
        } catch (DPoPProofException e) {
            LOG.log(Level.INFO, "refused: client {0}: {1}", token.clientId(), e.getMessage());
            return new Refused(BearerError.dpop(e.error(), e.useNonce() ? "A DPoP nonce is required"
                    : "The DPoP proof is not valid", proofs.algorithmNames(), proofs.currentNonce().orElse(null)));
        }
        return null;
    }

    /** {@code x5t#S256} (RFC 8705 §3.1): the base64url SHA-256 of the certificate's DER. */
    public static String certificateThumbprint(X509Certificate certificate) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash the client certificate", e);
        }
    }

    private Refused dpopRefusal(String error, String reason, VerifiedToken token, boolean dpop, @Nullable String nonce) {
        LOG.log(Level.INFO, reason, token.clientId());
        if (!dpop && error.equals("invalid_token")) {
            return new Refused(BearerError.invalidToken());
        }
        return new Refused(BearerError.dpop(error, error.equals("invalid_token") ? "The access token is not valid"
                : "The DPoP proof is not valid", proofs.algorithmNames(), nonce));
    }

    private Outcome refusal(Throwable failure, boolean dpop) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TokenVerificationException.InvalidToken) {
            LOG.log(Level.INFO, "refused: invalid token: {0}", cause.getMessage());
            return new Refused(dpop ? BearerError.dpop("invalid_token", "The access token is not valid",
                    proofs.algorithmNames(), null) : BearerError.invalidToken());
        }
        LOG.log(Level.WARNING, "refused: cannot verify tokens: {0}", cause.getMessage());
        return new Refused(BearerError.unavailable());
    }
}

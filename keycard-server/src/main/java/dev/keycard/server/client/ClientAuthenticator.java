package dev.keycard.server.client;

import dev.keycard.server.config.ClientIdRules;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.registry.Client;
import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.OAuthError;
import dev.keycard.server.event.ClientAuthEvents;
import dev.keycard.server.registry.Registry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Client authentication at the token, introspection and revocation endpoints, RFC 6749 §2.3:
 * {@code client_secret_basic} (HTTP Basic over the form-encoded id and secret, §2.3.1),
 * {@code client_secret_post}, or a client assertion (RFC 7521 §4.2, {@link ClientAssertions}),
 * exactly one per request. Every failure of the credentials themselves is the same {@code invalid_client},
 * whatever the cause; the cause goes to the private detail. An unknown client costs the same
 * digest and comparison as a known one. Failures and uses of a secret in its grace period are
 * reported to {@link ClientAuthEvents} (audit and metrics), never with the secret. Failures make
 * their source address and client id back off ({@link AuthThrottle}): a request from a source or
 * for a client id that must wait is answered 429 before its credentials are checked.
 */
public final class ClientAuthenticator {

    private static final byte[] DUMMY_DIGEST = Secrets.digest("kcs_dummy-secret-for-unknown-clients");
    /** The back-off's one key for every client id that cannot exist (see {@link #throttleKey}). */
    private static final String MALFORMED_ID = "(malformed client_id)";

    private final Registry registry;
    private final SecretUsage usage;
    private final ClientAuthEvents events;
    private final AuthThrottle throttle;
    private final ClientAssertions assertions;
    private final ClientCertificates certificates;

    public ClientAuthenticator(Registry registry, SecretUsage usage, ClientAuthEvents events, AuthThrottle throttle,
                               ClientAssertions assertions) {
        this(registry, usage, events, throttle, assertions, new ClientCertificates(Optional.empty(), Optional.empty()));
    }

    /** @param certificates judges the certificates of mutual-TLS clients (RFC 8705 §2) */
    public ClientAuthenticator(Registry registry, SecretUsage usage, ClientAuthEvents events, AuthThrottle throttle,
                               ClientAssertions assertions, ClientCertificates certificates) {
        this.registry = registry;
        this.usage = usage;
        this.events = events;
        this.throttle = throttle;
        this.assertions = assertions;
        this.certificates = certificates;
    }

    /**
     * Whether the request authenticates with a client assertion: its last checks complete later
     * ({@link AuthenticatedClient#settled()}: the store spends its {@code jti}, a client's
     * {@code jwks_uri} may have to be fetched), so a caller that waits for them with
     * {@link AuthenticatedClient#awaitSettled()} runs it off the event loop.
     */
    public static boolean usesAssertion(Form form) {
        return form.get("client_assertion").isPresent() || form.get("client_assertion_type").isPresent();
    }

    /**
     * @param authorization the {@code Authorization} header, if sent
     * @param form the request parameters
     * @param source the address the request came from, for the back-off after failures
     * @return the client; for a client assertion, one whose {@link AuthenticatedClient#settled()}
     *     may still be pending
     * @throws dev.keycard.protocol.OAuthException {@code invalid_request} for malformed or doubled
     *     credentials, {@code invalid_client} for credentials that do not authenticate,
     *     {@code too_many_requests} (429) while the source or the client id backs off
     */
    public AuthenticatedClient authenticate(@Nullable String authorization, Form form, String source, Instant now) {
        return authenticate(authorization, form, source, now, List::of);
    }

    /**
     * Like {@link #authenticate(String, Form, String, Instant)}, for a request that may also carry
     * a client certificate (leaf first): with a {@code client_id} and no other credentials, the
     * client authenticates with it (RFC 8705 §2), {@code tls_client_auth} or
     * {@code self_signed_tls_client_auth} as it is registered. The certificate is read only then.
     */
    public AuthenticatedClient authenticate(@Nullable String authorization, Form form, String source, Instant now,
                                            java.util.function.Supplier<List<X509Certificate>> certificate) {
        Optional<String> bodyId = form.get("client_id");
        Optional<String> bodySecret = form.get("client_secret");
        if (usesAssertion(form)) {
            if (authorization != null || bodySecret.isPresent()) {
                throw OAuthError.INVALID_REQUEST.describe("use exactly one client authentication method")
                        .detail("a client_assertion with a secret").toException();
            }
            return assertion(form, bodyId, source, now);
        }
        String clientId;
        String secret;
        ClientAuthMethod method;
        if (authorization != null) {
            String[] basic = parseBasic(authorization);
            if (bodySecret.isPresent()) {
                throw OAuthError.INVALID_REQUEST.describe("use exactly one client authentication method")
                        .detail("both HTTP Basic and client_secret in the body").toException();
            }
            if (bodyId.isPresent() && !bodyId.get().equals(basic[0])) {
                throw OAuthError.INVALID_REQUEST.describe("client_id differs from the HTTP Basic user name")
                        .toException();
            }
            clientId = basic[0];
            secret = basic[1];
            method = ClientAuthMethod.CLIENT_SECRET_BASIC;
        } else if (bodyId.isPresent() && bodySecret.isPresent()) {
            clientId = bodyId.get();
            secret = bodySecret.get();
            method = ClientAuthMethod.CLIENT_SECRET_POST;
        } else if (bodyId.isPresent() && !certificate.get().isEmpty()) {
            return byCertificate(bodyId.get(), certificate.get(), source, now);
        } else {
            throw OAuthError.INVALID_CLIENT.describe("client authentication is required")
                    .detail(bodyId.isPresent() ? "client_id without client_secret" : "no credentials").toException();
        }
        Optional<AuthThrottle.Wait> wait = throttle.check(source, throttleKey(clientId), now);
        if (wait.isPresent()) {
            throw tooMany(wait.get(), clientId, source, now);
        }
        return verify(clientId, secret, method, source, now);
    }

    /**
     * RFC 8705 §2: the client named by {@code client_id}, registered for one of the two mutual-TLS
     * methods, and the certificate the method asks for. Every failure is {@code invalid_client}.
     */
    private AuthenticatedClient byCertificate(String clientId, List<X509Certificate> chain, String source, Instant now) {
        Optional<AuthThrottle.Wait> wait = throttle.check(source, throttleKey(clientId), now);
        if (wait.isPresent()) {
            throw tooMany(wait.get(), clientId, source, now);
        }
        ClientAuthMethod method = ClientAuthMethod.TLS_CLIENT_AUTH;
        Optional<Client> found = registry.client(clientId);
        if (found.isEmpty()) {
            throw failed(clientId, source, "unknown_client", method, now, "unknown client_id %s", clientId);
        }
        Client client = found.get();
        X509Certificate leaf = chain.get(0);
        boolean viaAuthority = client.authMethods().contains(ClientAuthMethod.TLS_CLIENT_AUTH);
        boolean selfSigned = client.authMethods().contains(ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
        if (!viaAuthority && !selfSigned) {
            throw failed(clientId, source, "method_not_allowed", method, now, "client %s may not use mutual TLS", clientId);
        }
        // A client may be registered for both (moving from one to the other): either may authenticate it.
        String reason = null;
        String detail = null;
        if (viaAuthority) {
            if (!certificates.chainsToAuthority(chain, now)) {
                reason = "untrusted_certificate";
                detail = "the certificate (" + leaf.getSubjectX500Principal().getName()
                        + ") is not valid now, not for clients, or not from a tls.client-ca-file authority";
            } else if (client.tlsAuth().isEmpty() || !ClientCertificates.matches(client.tlsAuth().get(), leaf)) {
                reason = "certificate_mismatch";
                detail = "the certificate (" + leaf.getSubjectX500Principal().getName()
                        + ") does not carry the attribute registered for the client";
            }
        }
        if (!viaAuthority || (reason != null && selfSigned)) {
            method = ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH;
            if (!ClientCertificates.current(leaf, now) || !ClientCertificates.forClients(leaf)) {
                reason = "expired_certificate";
                detail = "the certificate is not valid now or not for clients";
            } else if (!ClientCertificates.registered(client.keys(), leaf)) {
                reason = "unregistered_certificate";
                detail = "the certificate is not one registered in the client's jwks";
            } else {
                reason = null;
            }
        }
        if (reason != null) {
            throw failed(clientId, source, reason, method, now, "client %s: %s", clientId, detail);
        }
        if (!client.enabled()) {
            throw failed(clientId, source, "disabled", method, now, "client %s is disabled", clientId);
        }
        throttle.succeeded(source, clientId, now);
        return AuthenticatedClient.byCertificate(client, method, ClientCertificates.thumbprint(leaf));
    }

    /** RFC 7521 §4.2: both parameters, one assertion, and a client_id, if sent, naming its subject. */
    private AuthenticatedClient assertion(Form form, Optional<String> bodyId, String source, Instant now) {
        Optional<String> type = form.get("client_assertion_type");
        Optional<String> assertion = form.get("client_assertion");
        if (type.isEmpty() || assertion.isEmpty()) {
            throw OAuthError.INVALID_REQUEST.describe("client_assertion and client_assertion_type go together")
                    .toException();
        }
        String claimed = bodyId.orElse("");
        ClientAssertions.Parsed parsed;
        try {
            parsed = assertions.parse(type.get(), assertion.get());
        } catch (ClientAssertions.Refused r) {
            throw refused(claimed, source, now, r, ClientAuthMethod.PRIVATE_KEY_JWT);
        }
        String clientId = parsed.clientId();
        ClientAuthMethod method = parsed.method();
        if (bodyId.isPresent() && !bodyId.get().equals(clientId)) {
            throw failed(clientId, source, "wrong_subject", method, now,
                    "client_id %s differs from the client the client_assertion authenticates", bodyId.get());
        }
        Optional<AuthThrottle.Wait> wait = throttle.check(source, throttleKey(clientId), now);
        if (wait.isPresent()) {
            throw tooMany(wait.get(), clientId, source, now);
        }
        ClientAssertions.Checking checking;
        try {
            checking = assertions.verify(parsed, now);
        } catch (ClientAssertions.Refused r) {
            throw refused(clientId, source, now, r, method);
        }
        CompletableFuture<Void> settled = checking.verified().handle((keyId, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                throw new CompletionException(cause instanceof ClientAssertions.Refused r
                        ? refused(clientId, source, now, r, method) : cause);
            }
            throttle.succeeded(source, clientId, now);
            return null;
        });
        return new AuthenticatedClient(checking.client(), method,
                parsed.source() == null ? "key" : "trust:" + parsed.source().name(), settled);
    }

    private dev.keycard.protocol.OAuthException refused(String clientId, String source, Instant now,
                                                        ClientAssertions.Refused r, ClientAuthMethod method) {
        if (r.unavailable) {
            return OAuthError.TEMPORARILY_UNAVAILABLE.describe("the client assertion cannot be checked now; retry shortly")
                    .retryAfter(java.time.Duration.ofSeconds(1)).detail(r.getMessage()).toException();
        }
        return failed(clientId, source, r.reason, method, now, "%s", r.getMessage());
    }

    /**
     * The client id as the back-off counts it: every id Keycard could never have registered (too
     * long, odd characters: up to the body limit of them) shares one key, so that memory holds ids
     * of at most 128 characters.
     */
    private static String throttleKey(String clientId) {
        return ClientIdRules.isValid(clientId) ? clientId : MALFORMED_ID;
    }

    private dev.keycard.protocol.OAuthException tooMany(AuthThrottle.Wait wait, String clientId, String source,
                                                       Instant now) {
        events.rateLimited(wait.limit().label(), clientId, source, now);
        return OAuthError.TOO_MANY_REQUESTS.describe("too many failed authentication attempts; retry later")
                .retryAfter(wait.duration()).detail("%s backs off %s", wait.limit().label(), wait.duration())
                .toException();
    }

    private AuthenticatedClient verify(String clientId, String secret, ClientAuthMethod method, String source,
                                       Instant now) {
        byte[] presented = Secrets.digest(secret);
        Optional<Client> found = registry.client(clientId);
        if (found.isEmpty()) {
            Secrets.matches(DUMMY_DIGEST, presented);
            throw failed(clientId, source, "unknown_client", method, now, "unknown client_id %s", clientId);
        }
        Client client = found.get();
        ClientSecret matched = null;
        for (ClientSecret s : client.secrets()) {
            if (s.matches(presented) && matched == null) {
                matched = s;
            }
        }
        if (matched == null) {
            throw failed(clientId, source, "wrong_secret", method, now, "wrong secret for client %s", clientId);
        }
        if (!matched.activeAt(now)) {
            throw failed(clientId, source, "expired_secret", method, now, "expired secret %s of client %s", matched.id(),
                    clientId);
        }
        if (!client.enabled()) {
            throw failed(clientId, source, "disabled", method, now, "client %s is disabled", clientId);
        }
        if (!client.authMethods().contains(method)) {
            throw failed(clientId, source, "method_not_allowed", method, now, "client %s may not use %s", clientId, method);
        }
        usage.used(client, matched.id(), now);
        throttle.succeeded(source, clientId, now);
        if (matched.expiresAt() != null) { // only a replaced secret has an expiry: it is in its grace period
            events.graceUse(clientId, matched.id(), matched.expiresAt(), now);
        }
        return new AuthenticatedClient(client, method, matched.id());
    }

    private dev.keycard.protocol.OAuthException failed(String clientId, String source, String reason,
                                                       ClientAuthMethod method, Instant now, String detail,
                                                       Object... args) {
        Optional<AuthThrottle.Wait> wait = throttle.failed(source, throttleKey(clientId), now);
        events.authFailed(clientId, reason, method.value(), now);
        if (wait.isPresent()) { // a known client failing again and again from its own address: tell it to wait
            return tooMany(wait.get(), clientId, source, now);
        }
        return OAuthError.INVALID_CLIENT.describe("client authentication failed").detail(detail, args).toException();
    }

    /** Splits {@code Basic base64(urlencode(id) ":" urlencode(secret))}, RFC 6749 §2.3.1, RFC 7617. */
    private static String[] parseBasic(String header) {
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        if (scheme.equalsIgnoreCase("Basic") && (space < 0 || header.substring(space + 1).isBlank())) {
            throw malformedBasic("no credentials after Basic");
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            throw OAuthError.INVALID_CLIENT.describe("use HTTP Basic or client_secret_post to authenticate")
                    .detail("unsupported Authorization scheme").toException();
        }
        String decoded;
        try {
            byte[] raw = Base64.getDecoder().decode(header.substring(space + 1).trim());
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw malformedBasic("not base64 of UTF-8");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw malformedBasic("no colon");
        }
        try {
            String id = FormCodec.decodeComponent(decoded.substring(0, colon));
            String secret = FormCodec.decodeComponent(decoded.substring(colon + 1));
            if (id.isEmpty() || secret.isEmpty()) {
                throw malformedBasic("empty id or secret");
            }
            return new String[] {id, secret};
        } catch (IllegalArgumentException e) {
            throw malformedBasic("bad form-encoding");
        }
    }

    private static dev.keycard.protocol.OAuthException malformedBasic(String why) {
        return OAuthError.INVALID_REQUEST.describe("malformed HTTP Basic credentials").detail(why).toException();
    }
}

package dev.keycard.server.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.config.ServerConfig.AssertionPolicy;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.FederatedIdentity;
import dev.keycard.server.registry.TrustSource;
import dev.keycard.server.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The client-assertion pipeline: a {@code client_assertion} (RFC 7521 §4.2) is parsed once, its
 * issuer picks what verifies it, and the result is an authenticated client, as a secret check
 * gives one. The issuer is either the client itself ({@code private_key_jwt}, RFC 7523 §2.2 and
 * §3, OpenID Connect Core §9: {@code iss} = {@code sub} = its client_id, verified with the keys it
 * registered, {@link ClientKeySets}), or a registered {@link TrustSource} whose workload tokens
 * authenticate the client a {@code sub} is mapped to (workload identity federation; a SPIFFE
 * JWT-SVID, draft-ietf-oauth-spiffe-client-auth, by its trust domain), checked as
 * {@link #verifyFederated} says.
 *
 * <p>The checks of a {@code private_key_jwt} assertion, cheapest first, the signature before
 * anything is recorded:
 * <ol>
 *   <li>a JWS compact serialization; {@code alg} one of RS256, PS256, ES256, EdDSA (never
 *       {@code none}, never a MAC: a public key used as an HMAC secret proves nothing), and the
 *       client's {@code token_endpoint_auth_signing_alg} when it declared one;</li>
 *   <li>{@code typ} absent, {@code JWT} or {@code client-authentication+jwt}
 *       (draft-ietf-oauth-rfc7523bis §4): an access token ({@code at+jwt}), a DPoP proof
 *       ({@code dpop+jwt}) or any other typed JWT the client signed for another purpose is not
 *       an assertion;</li>
 *   <li>{@code iss} = {@code sub} = the client, registered, enabled, allowed
 *       {@code private_key_jwt};</li>
 *   <li>{@code aud} holds Keycard's issuer identifier (rfc7523bis: the issuer, not an endpoint
 *       URL, so an assertion made for another server cannot be forwarded here; the token
 *       endpoint's URL only when {@code client-assertion.token-endpoint-audience} allows it);</li>
 *   <li>{@code exp} present, not past, at most {@code client-assertion.max-lifetime} ahead;
 *       {@code nbf} and {@code iat} not in the future; each with the configured skew;</li>
 *   <li>{@code jti} present;</li>
 *   <li>the signature, by a key the client registered;</li>
 *   <li>the {@code jti} unused ({@link AssertionReplay}), and then recorded.</li>
 * </ol>
 */
public final class ClientAssertions {

    /** {@code client_assertion_type} of a JWT assertion, RFC 7523 §2.2. */
    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** {@code client_assertion_type} of a SPIFFE JWT-SVID, draft-ietf-oauth-spiffe-client-auth. */
    public static final String JWT_SPIFFE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe";
    /**
     * How a client authenticated with a trust source's token (workload identity federation): the
     * name audit events and metrics give it. The request is a client assertion all the same.
     */
    public static final ClientAuthMethod FEDERATED = new ClientAuthMethod("federated_jwt");
    /** The algorithms an assertion may be signed with: asymmetric only, never {@code none} or a MAC. */
    public static final List<SigningAlg> ALGORITHMS = List.of(SigningAlg.RS256, SigningAlg.PS256, SigningAlg.ES256,
            SigningAlg.EdDSA);
    private static final int MAX_JTI = 256;
    private static final int MAX_CANDIDATE_KEYS = 8;

    /** A refusal: the reason for audit and metrics, the detail for the debug log. */
    static final class Refused extends Exception {
        final String reason;
        final boolean unavailable;

        Refused(String reason, String detail) {
            this(reason, detail, false);
        }

        Refused(String reason, String detail, boolean unavailable) {
            super(detail, null, false, false);
            this.reason = reason;
            this.unavailable = unavailable;
        }
    }

    /** Where the {@code jti}s of accepted assertions are spent ({@link AssertionReplay}). */
    @FunctionalInterface
    public interface SingleUse {
        /**
         * @return completes with true the first time {@code jti} of {@code clientId} is used before
         *     {@code expiresAt}, false after; fails with {@link AssertionReplay.Unavailable} when that
         *     cannot be known now
         */
        CompletableFuture<Boolean> spend(String clientId, String jti, Instant expiresAt);
    }

    /**
     * An assertion whose every check but the signature (when its keys must be fetched) and the
     * single use of its {@code jti} passed: the client it names, and what completes with the kid
     * of the key that verified it once both are done (or fails with a {@link Refused}).
     */
    record Checking(Client client, CompletableFuture<String> verified) {
    }

    /**
     * An assertion parsed, not yet trusted: the client it claims to come from, and the trust
     * source that issued it when it is a federated workload's token (null for {@code private_key_jwt}).
     */
    record Parsed(Jws jwt, String clientId, @Nullable TrustSource source,
                  @Nullable String assertion, @Nullable PlatformToken verified) {
        Parsed(Jws jwt, String clientId) {
            this(jwt, clientId, null, null, null);
        }

        JWTClaimsSet claims() {
            return jwt.claims();
        }

        ClientAuthMethod method() {
            return source == null ? ClientAuthMethod.PRIVATE_KEY_JWT : FEDERATED;
        }
    }

    /**
     * A platform token whose signature verified, by the trust source as it was then: a pod presents
     * the same projected token with every request for up to an hour, and verifying it again each
     * time would cost as much as the rest of the token request. Only the parse and the signature
     * are kept: every other check runs on every use.
     */
    /** @param until when it stops being accepted (epoch ms): only then may it be forgotten early */
    record PlatformToken(Jws jwt, TrustSource source, String keyId, long until) {
    }

    /**
     * A compact JWS taken apart: its header (with its base64url form), its claims, the bytes its
     * signature covers and the signature.
     */
    record Jws(String headerPart, JWSHeader header, JWTClaimsSet claims, byte[] signingInput, Base64URL signature) {
    }

    /** The most headers kept parsed: a client sends the same header with every assertion. */
    static final int MAX_KNOWN_HEADERS = 1_024;
    /** The most platform tokens kept verified (about one per workload). */
    static final int MAX_PLATFORM_TOKENS = 4_096;

    private final ConcurrentHashMap<String, PlatformToken> platformTokens = new ConcurrentHashMap<>();
    /** Headers of assertions whose signature verified, by their base64url form. */
    private final ConcurrentHashMap<String, JWSHeader> knownHeaders = new ConcurrentHashMap<>();
    private final Registry registry;
    private final ClientKeySets keySets;
    private final SingleUse replay;
    private final AssertionPolicy policy;
    private final Supplier<String> issuer;

    public ClientAssertions(Registry registry, ClientKeySets keySets, SingleUse replay, AssertionPolicy policy,
                            Supplier<String> issuer) {
        this.registry = registry;
        this.keySets = keySets;
        this.replay = replay;
        this.policy = policy;
        this.issuer = issuer;
    }

    /**
     * Parses the assertion and reads who it claims to be, checking nothing it says yet beyond its
     * form: the caller backs off by that client id before paying for a signature.
     *
     * @param type {@code client_assertion_type}
     */
    Parsed parse(String type, String assertion) throws Refused {
        boolean spiffe = JWT_SPIFFE.equals(type);
        if (!JWT_BEARER.equals(type) && !spiffe) {
            throw new Refused("unsupported_assertion_type", "client_assertion_type " + printable(type));
        }
        PlatformToken known = platformTokens.get(assertion);
        Jws jwt;
        if (known != null) {
            jwt = known.jwt();
        } else {
            try {
                jwt = jws(assertion);
            } catch (ParseException | RuntimeException e) {
                throw new Refused("malformed_assertion", "client_assertion is not a signed JWT: " + e.getMessage());
            }
        }
        String iss = jwt.claims().getIssuer();
        String sub = jwt.claims().getSubject();
        if (sub == null || sub.isEmpty()) {
            throw new Refused("wrong_subject", "client_assertion without sub");
        }
        if (spiffe) { // a JWT-SVID need not name an issuer: its SPIFFE ID's trust domain does
            TrustSource source = registry.trustSource(trustDomain(sub))
                    .filter(t -> t.kind() == TrustSource.Kind.SPIFFE)
                    .orElseThrow(() -> new Refused("unknown_issuer", "no trust source for the trust domain of "
                            + printable(sub)));
            return federated(jwt, source, sub, assertion, known);
        }
        if (iss == null) {
            throw new Refused("wrong_subject", "client_assertion without iss");
        }
        // A registered issuer is a URL, which no client_id can be (it has no '/'): the two never meet.
        Optional<TrustSource> source = registry.trustSource(iss);
        if (source.isPresent()) {
            if (source.get().kind() == TrustSource.Kind.SPIFFE) {
                throw new Refused("unsupported_assertion_type", "a JWT-SVID goes with client_assertion_type "
                        + JWT_SPIFFE);
            }
            return federated(jwt, source.get(), sub, assertion, known);
        }
        if (!iss.equals(sub)) {
            throw new Refused("wrong_subject", "client_assertion iss and sub differ");
        }
        return new Parsed(jwt, iss);
    }

    /** The client the subject of a trust source's token is registered as. */
    private Parsed federated(Jws jwt, TrustSource source, String sub, String assertion,
                             @Nullable PlatformToken known) throws Refused {
        Client client = registry.federatedClient(source.name(), sub)
                .orElseThrow(() -> new Refused("unknown_subject", "no client for subject " + printable(sub)
                        + " of trust source " + source.name()));
        return new Parsed(jwt, client.id().value(), source, assertion, known);
    }

    /** {@code spiffe://<trust domain>} of a SPIFFE ID, or "" when it is not one. */
    static String trustDomain(String spiffeId) {
        if (!spiffeId.startsWith("spiffe://")) {
            return "";
        }
        int slash = spiffeId.indexOf('/', "spiffe://".length());
        return slash < 0 ? spiffeId : spiffeId.substring(0, slash);
    }

    /**
     * The checks of the assertion's header and claims, now; the signature (at once for inline
     * keys, once fetched for a jwks_uri) and then the single use of its {@code jti}, in
     * {@link Checking#verified()}, which no caller may treat as authenticated before it completes.
     */
    Checking verify(Parsed parsed, Instant now) throws Refused {
        if (parsed.source() != null) {
            return verifyFederated(parsed, parsed.source(), now);
        }
        JWSHeader header = parsed.jwt().header();
        JWTClaimsSet claims = parsed.claims();
        String clientId = parsed.clientId();
        SigningAlg alg = SigningAlg.named(header.getAlgorithm().getName()).filter(ALGORITHMS::contains)
                .orElseThrow(() -> new Refused("algorithm_not_allowed",
                        "client_assertion alg " + printable(header.getAlgorithm().getName())));
        checkType(header.getType());
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new Refused("malformed_assertion", "client_assertion with crit " + header.getCriticalParams());
        }
        Client client = registry.client(clientId)
                .orElseThrow(() -> new Refused("unknown_client", "unknown client_id " + clientId));
        if (!client.authMethods().contains(ClientAuthMethod.PRIVATE_KEY_JWT) || !client.keys().present()) {
            throw new Refused("method_not_allowed", "client " + clientId + " may not use private_key_jwt");
        }
        if (client.keys().signingAlg().filter(a -> !a.equals(alg.name())).isPresent()) {
            throw new Refused("algorithm_not_allowed", "client " + clientId + " signs with "
                    + client.keys().signingAlg().get() + ", not " + alg.name());
        }
        checkAudience(claims.getAudience());
        Instant expires = checkTimes(claims, now);
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI) {
            throw new Refused("malformed_assertion", "client_assertion without a jti of 1 to " + MAX_JTI + " characters");
        }
        if (!client.enabled()) {
            throw new Refused("disabled", "client " + clientId + " is disabled");
        }
        // Spent for as long as it is accepted: until exp and the clock skew allowed past it.
        Instant spentUntil = expires.plus(policy.clockSkew());
        CompletableFuture<String> verified = keySets.candidates(client, header)
                .thenApply(keys -> signedBy("client " + clientId, parsed.jwt(), alg, keys))
                .thenCompose(keyId -> replay.spend(clientId, jti, spentUntil).handle((first, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException c
                                && c.getCause() != null ? c.getCause() : failure;
                        throw new java.util.concurrent.CompletionException(
                                new Refused("store_unavailable", cause.getMessage(), true));
                    }
                    if (!first) {
                        throw new java.util.concurrent.CompletionException(
                                new Refused("replayed_assertion", "client_assertion jti used before by " + clientId));
                    }
                    return keyId;
                }));
        return new Checking(client, verified);
    }

    /**
     * A trust source's token (workload identity federation). The platform's own token is the
     * credential, reused for its whole life (a Kubernetes projected token for up to an hour, by
     * every request the pod makes), so its {@code jti} is not single-use: what protects it is the
     * audience dedicated to Keycard (a token made for another service cannot be replayed here),
     * the cap on its lifetime and age, the exact subject and the claim conditions. The checks:
     * <ol>
     *   <li>{@code alg} and {@code typ} as for any assertion ({@code JOSE} also allowed, as a
     *       JWT-SVID may carry it);</li>
     *   <li>{@code aud} holds the trust source's audience (Keycard's issuer identifier by default);</li>
     *   <li>{@code exp} present and not past; the token's age ({@code now - iat}, else
     *       {@code now - nbf}) at most the trust source's {@code max_token_lifetime}, or, with
     *       neither, {@code exp} at most that far ahead; {@code nbf}, {@code iat} not in the
     *       future;</li>
     *   <li>each claim condition of the matched identity holds exactly its value;</li>
     *   <li>the client is enabled;</li>
     *   <li>the signature, by a key the trust source publishes.</li>
     * </ol>
     */
    private Checking verifyFederated(Parsed parsed, TrustSource source, Instant now) throws Refused {
        JWSHeader header = parsed.jwt().header();
        JWTClaimsSet claims = parsed.claims();
        SigningAlg alg = SigningAlg.named(header.getAlgorithm().getName()).filter(ALGORITHMS::contains)
                .orElseThrow(() -> new Refused("algorithm_not_allowed",
                        "client_assertion alg " + printable(header.getAlgorithm().getName())));
        if (header.getType() == null || !header.getType().getType().equalsIgnoreCase("JOSE")) {
            checkType(header.getType());
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new Refused("malformed_assertion", "client_assertion with crit " + header.getCriticalParams());
        }
        Client client = registry.client(parsed.clientId())
                .orElseThrow(() -> new Refused("unknown_client", "unknown client_id " + parsed.clientId()));
        String audience = source.audience().orElseGet(issuer);
        if (!claims.getAudience().contains(audience)) {
            throw new Refused("wrong_audience", claims.getAudience().isEmpty() ? "token of " + source.name()
                    + " without aud" : "token of " + source.name() + " for another audience");
        }
        checkFederatedTimes(claims, source, now);
        String sub = claims.getSubject();
        FederatedIdentity identity = client.identities().stream()
                .filter(i -> i.trustSource().equals(source.name()) && i.subject().equals(sub)).findFirst()
                .orElseThrow(() -> new Refused("unknown_subject", "no client for subject " + printable(sub)));
        for (var condition : identity.claims().entrySet()) {
            Object value = claims.getClaim(condition.getKey());
            if (value == null || value instanceof java.util.Collection || value instanceof java.util.Map
                    || !condition.getValue().equals(String.valueOf(value))) {
                throw new Refused("claim_mismatch", "token of " + source.name() + ": claim "
                        + printable(condition.getKey()) + " is not the one registered for client " + client.id());
            }
        }
        if (!client.enabled()) {
            throw new Refused("disabled", "client " + client.id() + " is disabled");
        }
        PlatformToken known = parsed.verified();
        if (known != null && known.source().equals(source)) { // verified before, by the trust source as it is now
            return new Checking(client, CompletableFuture.completedFuture(known.keyId()));
        }
        CompletableFuture<String> verified = keySets.candidates(source, header)
                .thenApply(keys -> signedBy("trust source " + source.name(), parsed.jwt(), alg, keys));
        String assertion = parsed.assertion();
        if (assertion != null) {
            verified = verified.thenApply(keyId -> {
                remember(assertion, new PlatformToken(parsed.jwt(), source, keyId, usableUntil(claims, source)));
                return keyId;
            });
        }
        return new Checking(client, verified);
    }

    /** When a platform token stops being accepted: its exp, or the trust source's age cap if sooner (ms). */
    private long usableUntil(JWTClaimsSet claims, TrustSource source) {
        long exp = claims.getExpirationTime().getTime();
        Date issued = claims.getIssueTime() != null ? claims.getIssueTime() : claims.getNotBeforeTime();
        return issued == null ? exp : Math.min(exp, issued.getTime()
                + source.maxTokenLifetime().plus(policy.clockSkew()).toMillis());
    }

    /** Keeps a verified platform token; past the bound, the unusable ones go, and if none is, all. */
    private void remember(String assertion, PlatformToken token) {
        if (platformTokens.size() >= MAX_PLATFORM_TOKENS) {
            long now = System.currentTimeMillis();
            platformTokens.values().removeIf(t -> t.until() <= now);
            if (platformTokens.size() >= MAX_PLATFORM_TOKENS) {
                platformTokens.clear();
            }
        }
        platformTokens.put(assertion, token);
    }

    private void checkFederatedTimes(JWTClaimsSet claims, TrustSource source, Instant now) throws Refused {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Refused("malformed_assertion", "token of " + source.name() + " without exp");
        }
        Duration skew = policy.clockSkew();
        Duration cap = source.maxTokenLifetime();
        Instant expires = exp.toInstant();
        if (!expires.isAfter(now.minus(skew))) {
            throw new Refused("expired_assertion", "token of " + source.name() + " expired at " + expires);
        }
        Instant latest = now.plus(skew);
        Instant iat = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        Instant nbf = claims.getNotBeforeTime() == null ? null : claims.getNotBeforeTime().toInstant();
        if ((nbf != null && nbf.isAfter(latest)) || (iat != null && iat.isAfter(latest))) {
            throw new Refused("assertion_not_yet_valid", "token of " + source.name() + " from the future");
        }
        // Accepted for at most the cap after it was issued, whatever its exp: GitHub's tokens are
        // issued for hours and meant for the next minutes. Without iat or nbf, it must expire within the cap.
        Instant issued = iat != null ? iat : nbf;
        if (issued != null && Duration.between(issued, now).compareTo(cap.plus(skew)) > 0) {
            throw new Refused("assertion_lifetime", "token of " + source.name() + " issued at " + issued
                    + " is older than its trust source's max_token_lifetime " + cap);
        }
        if (issued == null && Duration.between(now, expires).compareTo(cap.plus(skew)) > 0) {
            throw new Refused("assertion_lifetime", "token of " + source.name() + " without iat or nbf expires more"
                    + " than its trust source's max_token_lifetime " + cap + " ahead");
        }
    }

    private static void checkType(@Nullable JOSEObjectType type) throws Refused {
        if (type == null) {
            return;
        }
        String t = type.getType().toLowerCase(Locale.ROOT);
        if (t.startsWith("application/")) { // RFC 7515 §4.1.9: the prefix may be left out, or not
            t = t.substring("application/".length());
        }
        if (!t.equals("jwt") && !t.equals("client-authentication+jwt")) {
            throw new Refused("wrong_type", "client_assertion typ " + printable(type.getType()));
        }
    }

    private void checkAudience(List<String> audience) throws Refused {
        String iss = issuer.get();
        for (String aud : audience) {
            if (aud.equals(iss) || (policy.tokenEndpointAudience() && aud.equals(iss + "/oauth2/token"))) {
                return;
            }
        }
        throw new Refused("wrong_audience", audience.isEmpty() ? "client_assertion without aud"
                : "client_assertion for another audience");
    }

    /** @return {@code exp} */
    private Instant checkTimes(JWTClaimsSet claims, Instant now) throws Refused {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Refused("malformed_assertion", "client_assertion without exp");
        }
        Instant expires = exp.toInstant();
        if (!expires.isAfter(now.minus(policy.clockSkew()))) {
            throw new Refused("expired_assertion", "client_assertion expired at " + expires);
        }
        if (expires.isAfter(now.plus(policy.maxLifetime()).plus(policy.clockSkew()))) {
            throw new Refused("assertion_lifetime", "client_assertion exp " + expires + " is more than "
                    + policy.maxLifetime() + " ahead");
        }
        Instant latest = now.plus(policy.clockSkew());
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(latest)) {
            throw new Refused("assertion_not_yet_valid", "client_assertion nbf in the future");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(latest)) {
            throw new Refused("assertion_not_yet_valid", "client_assertion iat in the future");
        }
        return expires;
    }

    /**
     * Takes a compact JWS apart. A header seen before on an assertion that verified is not parsed
     * again (the same characters make the same header); the claims always are.
     */
    Jws jws(String compact) throws ParseException {
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        JWSHeader header = first < 0 ? null : knownHeaders.get(compact.substring(0, first));
        if (header == null || second < 0 || compact.indexOf('.', second + 1) >= 0) {
            SignedJWT jwt = SignedJWT.parse(compact);
            return new Jws(jwt.getParsedParts()[0].toString(), jwt.getHeader(), jwt.getJWTClaimsSet(),
                    jwt.getSigningInput(), jwt.getSignature());
        }
        // Decoded and encoded as Nimbus does for a header it parses, so a known header changes nothing.
        String payload = new Base64URL(compact.substring(first + 1, second)).decodeToString();
        return new Jws(compact.substring(0, first), header, JWTClaimsSet.parse(payload),
                compact.substring(0, second).getBytes(StandardCharsets.UTF_8),
                new Base64URL(compact.substring(second + 1)));
    }

    private void knowHeader(Jws jwt) {
        if (knownHeaders.size() >= MAX_KNOWN_HEADERS) {
            knownHeaders.clear();
        }
        knownHeaders.putIfAbsent(jwt.headerPart(), jwt.header());
    }

    /**
     * @return the kid of the key that verified it ("" for a key without one)
     * @throws java.util.concurrent.CompletionException holding a {@link Refused}
     */
    private String signedBy(String signer, Jws jwt, SigningAlg alg, List<JWK> keys) {
        int tried = 0;
        for (JWK key : keys) {
            if (tried++ == MAX_CANDIDATE_KEYS) {
                break;
            }
            try {
                if (keySets.verifier(alg, key).verify(jwt.header(), jwt.signingInput(), jwt.signature())) {
                    knowHeader(jwt);
                    return Optional.ofNullable(key.getKeyID()).orElse("");
                }
            } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
                // a key of another type or curve under the same kid: not this one
            }
        }
        throw new java.util.concurrent.CompletionException(new Refused("wrong_key", keys.isEmpty()
                ? "no key of " + signer + " fits the assertion"
                : "the assertion's signature does not verify with the keys of " + signer));
    }

    /** For a log line: at most 64 printable ASCII characters. */
    static String printable(@Nullable String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

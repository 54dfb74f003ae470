package dev.keycard.resource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.resource.internal.ProofReplay;
import dev.keycard.resource.internal.VerificationKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Checks a DPoP proof (RFC 9449 §4.3) as an authorization server or a resource server receives
 * it: exactly one {@code DPoP} header (check 1) holding a JWS (2) with every required header and
 * claim (3: {@code typ}, {@code alg}, {@code jwk}; {@code jti}, {@code htm}, {@code htu},
 * {@code iat}), {@code typ} {@code dpop+jwt} (4), an asymmetric algorithm from the allow-list
 * (5), a signature that verifies with the header's {@code jwk} (6), which holds no private key
 * (7), {@code htm} the request's method (8), {@code htu} its URI without query and fragment,
 * compared after RFC 3986 §6.2.2–6.2.3 normalisation (9), the server's nonce when it has one (10,
 * §8–9), {@code iat} within the accepted window (11), and, with an access token, {@code ath} its
 * hash (12, §4.3 and §7). A {@code jti} is accepted once within the window (§11.1) when the
 * verifier keeps the replay record itself (the default; Keycard's server records them in its store
 * instead, for every node). Whether the proof's key is the one a token is bound to is checked here
 * when the caller names the token's key ({@link #verify(List, String, URI, String, String)}), else
 * left to the caller, with {@link DPoPProof#jwkThumbprint()}.
 *
 * <p>Thread-safe; build one per server and share it.
 */
public final class DPoPProofVerifier {

    /** The algorithms accepted by default: Keycard's allow-list for client keys. */
    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("ES256", "PS256", "RS256", "EdDSA");
    /** A proof is a few hundred bytes; an RSA 4096 key makes it about 1.5 KiB. */
    static final int MAX_PROOF_LENGTH = 8 * 1024;
    /** RFC 9449 §4.2 asks for at least 96 bits of randomness; 256 characters is more than any client sends. */
    static final int MAX_JTI_LENGTH = 256;
    private static final int MAX_CACHED_HEADERS = 1024;
    private static final String CLAIMS_UNREADABLE =
            "the proof's claims are not a JSON object with claims of their registered types";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final Set<JWSAlgorithm> algorithms;
    private final String algsAttribute;
    private final long maxAgeMillis;
    private final long skewMillis;
    private final Clock clock;
    private final @Nullable DPoPNonces nonces;
    private final boolean nonceRequired;
    private final @Nullable ProofReplay replay;
    /** Headers whose proof verified, by their base64url form, with the key's thumbprint and verifier. */
    private final ConcurrentHashMap<String, KnownHeader> headers = new ConcurrentHashMap<>();

    private record KnownHeader(JWSHeader header, String thumbprint, VerificationKey key) {
    }

    private DPoPProofVerifier(Builder b) {
        this.algorithms = b.algorithms.stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
        this.algsAttribute = String.join(" ", b.algorithms);
        this.maxAgeMillis = b.maxAge.toMillis();
        this.skewMillis = b.clockSkew.toMillis();
        this.clock = b.clock;
        this.nonces = b.nonces;
        this.nonceRequired = b.nonceRequired;
        this.replay = b.replaySize > 0 ? new ProofReplay(b.replaySize) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies the proof of one request.
     *
     * @param dpopHeaders every value of the request's {@code DPoP} header
     * @param method the request's method, as sent
     * @param target the URI the request was sent to (its query and fragment are ignored)
     * @param accessToken the access token the request carries, whose hash {@code ath} must be;
     *     null at the token endpoint, where there is none yet
     * @throws DPoPProofException when a check fails, naming it
     */
    public DPoPProof verify(List<String> dpopHeaders, String method, URI target, @Nullable String accessToken) {
        return verify(dpopHeaders, method, target, accessToken, null);
    }

    /**
     * Verifies the proof of a request whose access token is bound to the key {@code boundTo} (its
     * {@code cnf.jkt}, RFC 9449 §6.1): as {@link #verify(List, String, URI, String)}, and a proof
     * signed by another key is refused before its {@code jti} is recorded, so proofs from keys a
     * sender makes up cannot crowd the replay record.
     *
     * @param boundTo the JWK SHA-256 thumbprint (RFC 7638) the token is bound to; null: any key
     */
    public DPoPProof verify(List<String> dpopHeaders, String method, URI target, @Nullable String accessToken,
                            @Nullable String boundTo) {
        if (dpopHeaders.isEmpty()) {
            throw DPoPProofException.invalid("the request has no DPoP header");
        }
        if (dpopHeaders.size() > 1) {
            throw DPoPProofException.invalid("the request has more than one DPoP header");
        }
        String proof = dpopHeaders.get(0);
        if (proof.length() > MAX_PROOF_LENGTH) {
            throw DPoPProofException.invalid("the DPoP proof is longer than " + MAX_PROOF_LENGTH + " characters");
        }
        String compact = proof.strip();
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (second < 0 || compact.indexOf('.', second + 1) >= 0) {
            throw DPoPProofException.invalid("the DPoP proof is not a signed JWT: not three dot-separated parts");
        }
        // A client sends the same header (its jwk, alg, typ) with every proof: a header that
        // verified before is not parsed, checked and hashed again.
        String headerPart = compact.substring(0, first);
        KnownHeader known = headers.get(headerPart);
        JWSHeader header;
        JWTClaimsSet claims;
        byte[] signingInput;
        Base64URL signature;
        if (known != null) {
            header = known.header();
            try {
                claims = JWTClaimsSet.parse(new Base64URL(compact.substring(first + 1, second)).decodeToString());
            } catch (ParseException e) {
                throw DPoPProofException.invalid(CLAIMS_UNREADABLE);
            }
            signingInput = compact.substring(0, second).getBytes(StandardCharsets.UTF_8); // as Nimbus does
            signature = new Base64URL(compact.substring(second + 1));
        } else {
            SignedJWT jwt;
            try {
                jwt = SignedJWT.parse(compact);
            } catch (ParseException e) {
                if (String.valueOf(e.getMessage()).contains("Non-public key in jwk")) { // Nimbus refuses it while parsing
                    throw DPoPProofException.invalid("the proof's jwk is not a public key");
                }
                throw DPoPProofException.invalid("the DPoP proof is not a signed JWT: " + ascii(e.getMessage()));
            }
            header = checked(jwt.getHeader());
            try {
                claims = jwt.getJWTClaimsSet();
            } catch (ParseException e) {
                throw DPoPProofException.invalid(CLAIMS_UNREADABLE);
            }
            signingInput = jwt.getSigningInput();
            signature = jwt.getSignature();
        }
        String jti = stringClaim(claims, "jti");
        if (jti.length() > MAX_JTI_LENGTH) {
            throw DPoPProofException.invalid("the proof's jti is longer than " + MAX_JTI_LENGTH + " characters");
        }
        String htm = stringClaim(claims, "htm");
        if (!htm.equals(method)) {
            throw DPoPProofException.invalid("the proof's htm " + ascii(htm) + " is not the request's method " + method);
        }
        String htu = stringClaim(claims, "htu");
        if (!sameTarget(htu, target)) {
            throw DPoPProofException.invalid("the proof's htu " + ascii(htu) + " is not this request's URI");
        }
        long now = clock.millis();
        Date iat = dateClaim(claims, "iat");
        if (iat.getTime() > now + skewMillis) {
            throw DPoPProofException.invalid("the proof's iat is in the future");
        }
        if (iat.getTime() < now - maxAgeMillis - skewMillis) {
            throw DPoPProofException.invalid("the proof's iat is older than " + maxAgeMillis / 1000 + " s");
        }
        if (accessToken != null) {
            Object ath = claims.getClaim("ath");
            if (!(ath instanceof String a)) {
                throw DPoPProofException.invalid("the proof has no ath claim for the access token");
            }
            if (!MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
                    tokenHash(accessToken).getBytes(StandardCharsets.US_ASCII))) {
                throw DPoPProofException.invalid("the proof's ath is not the hash of this access token");
            }
        }
        Object nonceClaim = claims.getClaim("nonce");
        if (nonceClaim != null && !(nonceClaim instanceof String)) {
            throw DPoPProofException.invalid("the proof's nonce is not a string");
        }
        String nonce = (String) nonceClaim;
        DPoPNonces n = nonces;
        if (n != null && nonce != null && !n.accepts(nonce)) {
            throw DPoPProofException.useNonce("the proof's nonce is stale or not this server's");
        }
        if (n != null && nonceRequired && nonce == null) {
            throw DPoPProofException.useNonce("a DPoP nonce is required");
        }
        String thumbprint = known != null ? known.thumbprint() : thumbprint(Objects.requireNonNull(header.getJWK()));
        if (boundTo != null && !MessageDigest.isEqual(thumbprint.getBytes(StandardCharsets.US_ASCII),
                boundTo.getBytes(StandardCharsets.US_ASCII))) {
            // Before the signature and the replay record: a key of the sender's own making costs
            // no verification, takes no place among the cached keys and leaves no jti behind.
            throw DPoPProofException.invalid("the DPoP proof is signed by a key the token is not bound to");
        }
        VerificationKey key = known != null ? known.key() : key(Objects.requireNonNull(header.getJWK()));
        if (!key.verify(header, signingInput, signature)) {
            throw DPoPProofException.invalid("the proof's signature does not verify with its jwk");
        }
        if (known == null) { // only a header whose signature verified: a forged proof cannot poison the cache
            if (headers.size() >= MAX_CACHED_HEADERS) {
                headers.clear();
            }
            headers.put(headerPart, new KnownHeader(header, thumbprint, key));
        }
        ProofReplay r = replay;
        if (r != null) {
            // Kept from the earlier of iat and now: a proof dated ahead (within the skew) is
            // remembered as long as it is accepted, and cannot push the record's floor past
            // honest proofs made now.
            switch (r.firstUse(thumbprint, jti, Math.min(iat.getTime(), now) + maxAgeMillis + 2 * skewMillis, now)) {
                case REPLAYED -> throw DPoPProofException.invalid("the proof's jti was used before");
                case TOO_OLD -> throw DPoPProofException.invalid(
                        "the proof is older than this server's replay record reaches; send a new proof");
                case FIRST -> { }
            }
        }
        return new DPoPProof(thumbprint, jti, iat.toInstant(), Optional.ofNullable(nonce));
    }

    /** Checks 3 to 5 and 7, those of the header alone. */
    private JWSHeader checked(JWSHeader header) {
        JOSEObjectType typ = header.getType();
        if (typ == null || !isDPoPType(typ.getType())) {
            throw DPoPProofException.invalid("the proof's typ is " + (typ == null ? "absent" : ascii(typ.getType()))
                    + ", expected dpop+jwt");
        }
        if (!algorithms.contains(header.getAlgorithm())) {
            throw DPoPProofException.invalid("the proof's alg " + ascii(header.getAlgorithm().getName())
                    + " is not one of " + algsAttribute);
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw DPoPProofException.invalid("the proof has critical header parameters this server does not understand");
        }
        JWK jwk = header.getJWK();
        if (jwk == null) {
            throw DPoPProofException.invalid("the proof has no jwk header");
        }
        if (jwk.isPrivate() || KeyType.OCT.equals(jwk.getKeyType())) {
            throw DPoPProofException.invalid("the proof's jwk is not a public key");
        }
        return header;
    }

    /** The value of a {@code DPoP-Nonce} header to send now, when this verifier has nonces. */
    public Optional<String> currentNonce() {
        return nonces == null ? Optional.empty() : Optional.of(nonces.current());
    }

    /** The accepted algorithms, space-separated, for a challenge's {@code algs} attribute (§7.1). */
    public String algorithmNames() {
        return algsAttribute;
    }

    /** The accepted algorithms, for metadata ({@code dpop_signing_alg_values_supported}). */
    public List<String> algorithmList() {
        return List.of(algsAttribute.split(" "));
    }

    /** How long after its {@code iat} a proof is accepted (and its {@code jti} must be remembered). */
    public Duration window() {
        return Duration.ofMillis(maxAgeMillis + 2 * skewMillis);
    }

    /** {@code ath}: the base64url SHA-256 of the access token's ASCII (RFC 9449 §4.2). */
    public static String tokenHash(String accessToken) {
        return B64URL.encodeToString(sha256(accessToken.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The RFC 7638 SHA-256 thumbprint of a public key, base64url: a bound token's {@code cnf.jkt}. */
    public static String thumbprint(JWK jwk) {
        try {
            return jwk.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw DPoPProofException.invalid("the proof's jwk has no thumbprint: " + ascii(e.getMessage()));
        }
    }

    private static VerificationKey key(JWK jwk) {
        try {
            return VerificationKey.of(jwk).orElseThrow(() ->
                    DPoPProofException.invalid("the proof's jwk is not a key this server verifies with"));
        } catch (GeneralSecurityException | JOSEException e) {
            throw DPoPProofException.invalid("the proof's jwk is not a usable public key");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value == null) {
            throw DPoPProofException.invalid("the proof has no " + name + " claim");
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw DPoPProofException.invalid("the proof's " + name + " is not a non-empty string");
        }
        return s;
    }

    private static Date dateClaim(JWTClaimsSet claims, String name) {
        try {
            Date d = claims.getDateClaim(name);
            if (d == null) {
                throw DPoPProofException.invalid("the proof has no " + name + " claim");
            }
            return d;
        } catch (ParseException e) {
            throw DPoPProofException.invalid("the proof's " + name + " is not a NumericDate");
        }
    }

    private static boolean isDPoPType(String typ) {
        String t = typ.toLowerCase(Locale.ROOT);
        return t.equals("dpop+jwt") || t.equals("application/dpop+jwt");
    }

    /** Check 9: the same scheme, host, port and path after normalisation; query and fragment ignored. */
    static boolean sameTarget(String htu, URI target) {
        URI claimed;
        try {
            claimed = new URI(htu);
        } catch (URISyntaxException e) {
            return false;
        }
        String a = normalized(claimed);
        return a != null && a.equals(normalized(target));
    }

    /** scheme://host[:port]/path, RFC 3986 §6.2.2 (case, percent-encoding) and §6.2.3 (default port, empty path). */
    static @Nullable String normalized(URI u) {
        String scheme = u.getScheme();
        String host = u.getHost();
        if (scheme == null || host == null) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return null;
        }
        int port = u.getPort();
        if (port == (scheme.equals("https") ? 443 : 80)) {
            port = -1;
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : normalizePercent(u.getRawPath());
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port) + path;
    }

    /** Percent-encodings in upper case, and unreserved characters decoded (RFC 3986 §6.2.2.1–6.2.2.2). */
    private static String normalizePercent(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) { // java.net.URI has checked that two hex digits follow
                int v = Integer.parseInt(path.substring(i + 1, i + 3), 16);
                if ((v >= 'A' && v <= 'Z') || (v >= 'a' && v <= 'z') || (v >= '0' && v <= '9') || v == '-' || v == '.'
                        || v == '_' || v == '~') {
                    b.append((char) v);
                } else {
                    b.append('%').append(path.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                }
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** Text from the proof, made printable ASCII and short for an error description. */
    private static String ascii(@Nullable String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return b.toString();
    }

    /**
     * Settings for a proof verifier. A bad value is refused by its setter with {@link
     * IllegalArgumentException}; a list setter replaces what an earlier call gave.
     */
    public static final class Builder {
        private final List<String> algorithms = new ArrayList<>(List.of("ES256", "PS256", "RS256", "EdDSA"));
        private Duration maxAge = Duration.ofSeconds(60);
        private Duration clockSkew = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();
        private @Nullable DPoPNonces nonces;
        private boolean nonceRequired;
        private int replaySize = 100_000;

        private Builder() {
        }

        /** The accepted algorithms; asymmetric JWS algorithms only. Default ES256, PS256, RS256, EdDSA. */
        public Builder algorithms(String... names) {
            Set<String> chosen = new LinkedHashSet<>();
            for (String name : names) {
                if (!HeaderCheck.ASYMMETRIC.contains(JWSAlgorithm.parse(name))) {
                    throw new IllegalArgumentException("algorithm " + name + " is not accepted for DPoP proofs; use one of "
                            + HeaderCheck.ASYMMETRIC);
                }
                chosen.add(name);
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("at least one algorithm is required");
            }
            algorithms.clear();
            algorithms.addAll(chosen);
            return this;
        }

        /** How long after its {@code iat} a proof is accepted. Default 60 s. */
        public Builder maxAge(Duration maxAge) {
            if (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("maxAge must be between 1 second and 10 minutes, was " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /** Tolerance for a client's clock ahead of or behind this server's. Default 5 s. */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = BuilderChecks.clockSkew(skew);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Server nonces (§8, §9): a nonce a proof carries must be one of these, and with
         * {@code required} a proof without one is answered {@code use_dpop_nonce}.
         */
        public Builder nonces(DPoPNonces nonces, boolean required) {
            this.nonces = Objects.requireNonNull(nonces, "nonces");
            this.nonceRequired = required;
            return this;
        }

        /**
         * How many proofs' {@code jti}s are remembered to refuse a replay (§11.1); 0 leaves replay
         * to the caller. Default 100,000. When that many are within their window, the older half
         * is forgotten and proofs as old as those are refused from then on: a replay is never let
         * through, and a client that makes each proof as it sends it is not affected.
         */
        public Builder replayCacheSize(int size) {
            this.replaySize = BuilderChecks.notNegative("replayCacheSize", size);
            return this;
        }

        public DPoPProofVerifier build() {
            return new DPoPProofVerifier(this);
        }
    }
}

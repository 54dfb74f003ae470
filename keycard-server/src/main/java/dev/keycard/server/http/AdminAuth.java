package dev.keycard.server.http;

import dev.keycard.server.http.Responses.Problem;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.keys.SigningKey;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.revoke.Revocations;
import java.text.ParseException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the admin API with Keycard's own access tokens (RFC 6750 §2.1 bearer header): the
 * signature by one of Keycard's keys with that key's algorithm, {@code typ} at+jwt, this
 * issuer, the admin audience, not expired, scope {@code keycard:admin}, and a client that still
 * exists and is enabled, so disabling the admin client cuts it off at once.
 */
final class AdminAuth {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final String NO_SCOPE = "no admin scope";
    private static final String REALM = "Bearer realm=\"keycard-admin\"";

    private final KeyManager keys;
    private final Registry registry;
    private final Supplier<String> issuer;
    private final Clock clock;
    private final Revocations revocations;

    AdminAuth(KeyManager keys, Registry registry, Supplier<String> issuer, Clock clock, Revocations revocations) {
        this.keys = keys;
        this.registry = registry;
        this.issuer = issuer;
        this.clock = clock;
        this.revocations = revocations;
    }

    /** What {@link #check} decided: the admin client the token was issued to, or the refusal. */
    sealed interface Verdict {
        /** @param clientId the {@code sub} of the token, an enabled client granted {@code keycard:admin} */
        record Allowed(String clientId) implements Verdict {
        }

        record Refused(Problem problem) implements Verdict {
        }
    }

    /** Whether this {@code Authorization} header authorizes admin calls, and for which client. */
    Verdict check(@Nullable String authorization) {
        Optional<Problem> refused = refusal(authorization);
        if (refused.isPresent()) {
            return new Verdict.Refused(refused.get());
        }
        // refusal() has verified the token: its subject is an enabled client with the admin scope.
        try {
            return new Verdict.Allowed(SignedJWT.parse(authorization.split(" ", 2)[1].trim()).getJWTClaimsSet()
                    .getSubject());
        } catch (ParseException e) {
            throw new IllegalStateException("a verified token did not parse", e);
        }
    }

    private Optional<Problem> refusal(@Nullable String authorization) {
        if (authorization == null) {
            return Optional.of(Problem.of(401, "unauthorized", "Unauthorized",
                    "send an access token for " + Api.ADMIN_IDENTIFIER + " with scope " + Api.ADMIN_SCOPE)
                    .withHeader("WWW-Authenticate", REALM));
        }
        String[] parts = authorization.split(" ", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            return Optional.of(Problem.of(400, "malformed", "Bad request", "Authorization must be 'Bearer <token>'")
                    .withHeader("WWW-Authenticate", REALM + ", error=\"invalid_request\""));
        }
        Optional<String> invalid = invalidBecause(parts[1].trim());
        if (invalid.isPresent() && invalid.get().equals(NO_SCOPE)) {
            return Optional.of(Problem.of(403, "forbidden", "Forbidden", "the access token lacks scope " + Api.ADMIN_SCOPE)
                    .withHeader("WWW-Authenticate", REALM + ", error=\"insufficient_scope\", scope=\""
                            + Api.ADMIN_SCOPE + "\""));
        }
        if (invalid.isPresent()) {
            LOG.debug("admin token refused: {}", invalid.get());
            return Optional.of(Problem.of(401, "unauthorized", "Unauthorized", "the access token is not valid")
                    .withHeader("WWW-Authenticate", REALM + ", error=\"invalid_token\""));
        }
        return Optional.empty();
    }

    private Optional<String> invalidBecause(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Optional.of("not a JWS");
        }
        if (!AT_JWT.equals(jwt.getHeader().getType())) {
            return Optional.of("typ is not at+jwt");
        }
        String kid = jwt.getHeader().getKeyID();
        Optional<SigningKey> key = kid == null ? Optional.empty() : keys.ring().byKid(kid);
        if (key.isEmpty() || !key.get().alg().jws().equals(jwt.getHeader().getAlgorithm())) {
            return Optional.of("unknown kid or alg");
        }
        try {
            if (!jwt.verify(key.get().verifier())) {
                return Optional.of("bad signature");
            }
        } catch (JOSEException e) {
            return Optional.of("bad signature");
        }
        if (claims.getClaim("cnf") != null) {
            // A bound token (RFC 9449 §7.2, RFC 8705 §3) is never a bearer token: the admin API takes
            // bearer tokens only, so a copied bound token must not open it.
            return Optional.of("a bound token (cnf) sent as a bearer token");
        }
        Date exp = claims.getExpirationTime();
        if (!issuer.get().equals(claims.getIssuer())) {
            return Optional.of("wrong iss");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(Api.ADMIN_IDENTIFIER)) {
            return Optional.of("wrong aud");
        }
        if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
            return Optional.of("expired");
        }
        Object scope = claims.getClaim("scope");
        if (!(scope instanceof String s) || !Arrays.asList(s.split(" ")).contains(Api.ADMIN_SCOPE)) {
            return Optional.of(NO_SCOPE);
        }
        Optional<Client> client = Optional.ofNullable(claims.getSubject()).flatMap(registry::client);
        if (client.isEmpty() || !client.get().enabled()) {
            return Optional.of("client unknown or disabled");
        }
        if (!client.get().grantedAdmin()) {
            return Optional.of(NO_SCOPE); // the grant was taken away after the token was issued
        }
        Date iat = claims.getIssueTime();
        if (claims.getJWTID() == null || iat == null
                || revocations.isRevoked(claims.getJWTID(), claims.getSubject(), iat.toInstant())) {
            return Optional.of("revoked"); // a leaked admin token, cut off (RFC 7009 or revoke-tokens)
        }
        if (!client.get().mayHaveIssued(iat.toInstant())) {
            return Optional.of("issued to an earlier client with this client_id");
        }
        return Optional.empty();
    }
}

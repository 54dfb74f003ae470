package dev.keycard.server.token;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.resource.DPoPNonces;
import dev.keycard.resource.DPoPProof;
import dev.keycard.resource.DPoPProofException;
import dev.keycard.resource.DPoPProofVerifier;
import dev.keycard.server.client.ClientAssertions;
import dev.keycard.server.config.ServerConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * DPoP at the token endpoint (RFC 9449 §5): the proof of a token request is checked as §4.3 says
 * (by keycard-resource's {@link DPoPProofVerifier}, the same checks an API makes), its {@code jti}
 * is spent once on every node (the store's single-use record that client assertions use, §11.1),
 * and the token it earns is bound to the proof's key ({@code cnf.jkt}, {@code token_type: DPoP}).
 * Server nonces (§8) are derived from the master key and the time step, so every node issues and
 * accepts the same ones with no shared state.
 */
public final class DPoPBinding {

    /** How often the server nonce changes; a nonce is accepted for one to two steps. */
    static final Duration NONCE_STEP = Duration.ofMinutes(1);
    /** Prefixes the key's thumbprint where the store records its proofs: no client_id has a '#'. */
    private static final String REPLAY_PREFIX = "dpop#";

    private final DPoPProofVerifier verifier;
    private final ClientAssertions.SingleUse replay;
    private final Supplier<String> issuer;
    private final boolean nonceRequired;
    private volatile Endpoint endpoint = new Endpoint("", URI.create("http://localhost/"));

    private record Endpoint(String issuer, URI uri) {
    }

    /**
     * @param nonceKey 32 bytes or more, the same on every node (derived from the master key)
     * @param replay where each proof's {@code jti} is spent, for every node
     * @param issuer the issuer identifier, whose {@code /oauth2/token} is the {@code htu} proofs must name
     */
    public DPoPBinding(ServerConfig.DPoPPolicy policy, byte[] nonceKey, ClientAssertions.SingleUse replay,
                       Supplier<String> issuer, Clock clock) {
        this.verifier = DPoPProofVerifier.builder().maxAge(policy.proofMaxAge()).clock(clock)
                .nonces(DPoPNonces.create(nonceKey, NONCE_STEP, clock), policy.nonceRequired())
                .replayCacheSize(0) // spent in the store, for every node
                .build();
        this.replay = replay;
        this.issuer = issuer;
        this.nonceRequired = policy.nonceRequired();
    }

    /**
     * The request's proof, checked; empty when it sent no {@code DPoP} header.
     *
     * @throws OAuthException {@code invalid_dpop_proof}, or {@code use_dpop_nonce} (§8)
     */
    Optional<DPoPProof> proof(TokenHttpRequest http) {
        if (http.dpop().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(verifier.verify(http.dpop(), http.method(), tokenEndpoint(), null));
        } catch (DPoPProofException e) {
            throw (e.useNonce() ? OAuthError.USE_DPOP_NONCE : OAuthError.INVALID_DPOP_PROOF).describe(e.getMessage())
                    .toException();
        }
    }

    /**
     * Spends the proof's {@code jti}: completes when the store has recorded its first use, fails
     * with {@code invalid_dpop_proof} for a replay (here or on another node) and with
     * {@code temporarily_unavailable} when the store cannot say.
     */
    CompletableFuture<Void> spend(DPoPProof proof) {
        return replay.spend(REPLAY_PREFIX + proof.jwkThumbprint(), proof.jti(),
                proof.issuedAt().plus(verifier.window())).handle((first, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(OAuthError.TEMPORARILY_UNAVAILABLE
                                .describe("the DPoP proof could not be checked for replay; retry shortly")
                                .retryAfter(Duration.ofSeconds(1)).detail("%s", failure).toException());
                    }
                    if (!first) {
                        throw new CompletionException(OAuthError.INVALID_DPOP_PROOF
                                .describe("the proof's jti was used before").toException());
                    }
                    return null;
                });
    }

    /**
     * The nonce to send in {@code DPoP-Nonce} with an answer to a DPoP request: always with a
     * {@code use_dpop_nonce} refusal (§8, the client needs it to retry), and with every answer when
     * nonces are required.
     */
    public Optional<String> nonce(boolean refusedForNonce) {
        return nonceRequired || refusedForNonce ? verifier.currentNonce() : Optional.empty();
    }

    /** {@code dpop_signing_alg_values_supported}. */
    public List<String> algorithms() {
        return verifier.algorithmList();
    }

    private URI tokenEndpoint() {
        String iss = issuer.get();
        Endpoint e = endpoint;
        if (!e.issuer().equals(iss)) {
            e = new Endpoint(iss, URI.create(iss + "/oauth2/token"));
            endpoint = e;
        }
        return e.uri();
    }
}

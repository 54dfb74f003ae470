package dev.keycard.resource;

import dev.keycard.protocol.ScopeSet;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What every adapter does with a request, independent of the web framework: take the bearer
 * token from the {@code Authorization} header (RFC 6750 §2.1), verify it, check its scopes, and
 * turn each failure into its RFC 6750 §3 error. The reason a token failed is logged here, with
 * the client where it is known, and never the token.
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

    private final AccessTokenVerifier verifier;

    public BearerAuthentication(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * Authenticates a request by its {@code Authorization} header values (all of them: two
     * headers are a malformed request) and requires the given scopes. Completes at once unless
     * the verifier must fetch keys.
     */
    public CompletableFuture<Outcome> authenticate(List<String> authorization, ScopeSet required) {
        String token;
        try {
            token = BearerHeader.token(authorization);
        } catch (BearerHeader.Malformed e) {
            LOG.log(Level.INFO, "refused: malformed Authorization header: {0}", e.getMessage());
            return CompletableFuture.completedFuture(new Refused(BearerError.invalidRequest(e.getMessage())));
        }
        if (token == null) {
            return CompletableFuture.completedFuture(new Refused(BearerError.missingToken()));
        }
        return verifier.verifyAsync(token).handle((verified, failure) -> {
            if (failure != null) {
                return refusal(failure);
            }
            if (!verified.hasScopes(required)) {
                LOG.log(Level.INFO, "refused: client {0} lacks scope {1} (has {2})",
                        verified.clientId(), verified.scopes().missing(required), verified.scopes());
                return new Refused(BearerError.insufficientScope(required));
            }
            return new Authorized(verified);
        });
    }

    private static Outcome refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TokenVerificationException.InvalidToken) {
            LOG.log(Level.INFO, "refused: invalid token: {0}", cause.getMessage());
            return new Refused(BearerError.invalidToken());
        }
        LOG.log(Level.WARNING, "refused: cannot verify tokens: {0}", cause.getMessage());
        return new Refused(BearerError.unavailable());
    }
}

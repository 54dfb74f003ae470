package dev.keycard.server.token;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who a request turned out to come from, once a pipeline has authenticated its client: what the
 * HTTP layer's access log names. Written once by the pipeline, read when the response has gone.
 */
public final class Caller {

    private volatile @Nullable String clientId;

    /** Notes the client the request authenticated. */
    public void authenticated(String clientId) {
        this.clientId = clientId;
    }

    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    @Override
    public String toString() {
        return "Caller[" + clientId + "]";
    }
}

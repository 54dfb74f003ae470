package dev.keycard.spring;

import dev.keycard.client.ClientCredentialsTokenSource;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The token sources of {@code keycard.client.registration.*}, by name: each gets, caches and
 * refreshes its client's tokens (keycard-client: refreshed ahead of expiry, one request in
 * flight, outages ridden out). Give one to an HTTP client:
 * <pre>{@code
 * RestClient jobs = builder.baseUrl("https://jobs.internal")
 *         .requestInterceptor(new KeycardClientHttpRequestInterceptor(keycard.tokenSource("jobs"))).build();
 * WebClient reports = WebClient.builder().baseUrl("https://reports.internal")
 *         .filter(new KeycardExchangeFilterFunction(keycard.tokenSource("reports"))).build();
 * }</pre>
 * Nothing is added to an HTTP client the application does not give one to: a token goes only
 * where it is meant to.
 */
public final class KeycardClients {

    private final Map<String, ClientCredentialsTokenSource> sources;

    public KeycardClients(Map<String, ClientCredentialsTokenSource> sources) {
        this.sources = Map.copyOf(sources);
    }

    /**
     * The token source of registration {@code name}.
     *
     * @throws NoSuchElementException naming the registrations there are
     */
    public ClientCredentialsTokenSource tokenSource(String name) {
        ClientCredentialsTokenSource source = sources.get(name);
        if (source == null) {
            throw new NoSuchElementException("no keycard.client.registration." + name + " (registrations: "
                    + sources.keySet() + ")");
        }
        return source;
    }

    /** The names of the registrations. */
    public Set<String> registrations() {
        return sources.keySet();
    }

    @Override
    public String toString() {
        return "KeycardClients" + sources.keySet();
    }
}

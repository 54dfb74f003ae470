package dev.keycard.server.revoke;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The revocations as a Server-Sent Events stream (WHATWG HTML §9.2): what a subscriber gets when
 * it connects, and what is new since the last look. Event ids are the revocation's time in epoch
 * milliseconds, the same on every node, so a subscriber reconnecting through a load balancer to
 * another node resumes from its {@code Last-Event-ID}. A subscriber applies events idempotently:
 * a resume replays a margin before its id, and a node may repeat an event.
 *
 * <p>After a gap longer than the longest token lifetime, or with no id, the subscriber gets a
 * {@code reset} event, every revocation in force (anything older concerns expired tokens), and a
 * {@code ready} event that ends the list.
 */
public final class RevocationStream {

    /**
     * Replayed before a resume id. An event id is the revocation's time on the node that made it,
     * and another node may learn of it late: within milliseconds through LISTEN/NOTIFY, but up to
     * the 30 s full reread (plus the change feed's reconnect back-off) when a notification was
     * lost. A minute covers that and clocks that disagree by seconds; repeats are harmless.
     */
    static final Duration RESUME_MARGIN = Duration.ofMinutes(1);

    private final Revocations revocations;
    private final Clock clock;
    private final Duration maxTokenLifetime;
    /** The revocations this node learned of since the last {@link #news()}, oldest first. */
    private final Queue<RevocationEvent> fresh = new ConcurrentLinkedQueue<>();

    public RevocationStream(Revocations revocations, Clock clock, Duration maxTokenLifetime) {
        this.revocations = revocations;
        this.clock = clock;
        this.maxTokenLifetime = maxTokenLifetime;
        revocations.onLearned(fresh::add);
    }

    /** The first frames for a subscriber connecting with {@code lastEventId} (the header, if any). */
    public String opening(Optional<String> lastEventId) {
        Optional<Instant> resumeFrom = lastEventId.flatMap(RevocationStream::parseId)
                .filter(t -> !t.isBefore(clock.instant().minus(maxTokenLifetime)));
        StringBuilder out = new StringBuilder("retry: 1000\n\n");
        if (resumeFrom.isEmpty()) {
            out.append("event: reset\ndata: {}\n\n");
        }
        Instant from = resumeFrom.map(t -> t.minus(RESUME_MARGIN)).orElse(Instant.MIN);
        for (RevocationEvent e : revocations.current()) {
            if (!e.at().isBefore(from)) {
                out.append(frame(e));
            }
        }
        if (resumeFrom.isEmpty()) {
            // The end of the full list: a subscriber swaps its new list in only now, so it never
            // applies an empty or partial one.
            out.append("event: ready\ndata: {}\n\n");
        }
        return out.toString();
    }

    /**
     * What has been revoked since the last call, here or on another node (once this node has
     * read it), as frames for every subscriber. Costs what is new, not what is in force: an idle
     * server with 100,000 revoked tokens does nothing here. Called from one thread.
     */
    public String news() {
        if (fresh.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (RevocationEvent e = fresh.poll(); e != null; e = fresh.poll()) {
            out.append(frame(e));
        }
        return out.toString();
    }

    /** One event: {@code token_revoked} with jti, client_id, exp; or {@code client_tokens_revoked} with client_id, revoked_before (seconds: tokens with iat not after it). */
    static String frame(RevocationEvent e) {
        String data = switch (e) {
            case RevocationEvent.TokenRevoked t -> "{\"jti\":" + quote(t.jti()) + ",\"client_id\":" + quote(t.clientId())
                    + ",\"exp\":" + t.expiresAt().getEpochSecond() + "}";
            case RevocationEvent.ClientTokensRevoked c -> "{\"client_id\":" + quote(c.clientId())
                    + ",\"revoked_before\":" + c.revokedBefore().getEpochSecond() + "}";
        };
        String type = e instanceof RevocationEvent.TokenRevoked ? "token_revoked" : "client_tokens_revoked";
        return "id: " + e.at().toEpochMilli() + "\nevent: " + type + "\ndata: " + data + "\n\n";
    }

    private static String quote(String s) {
        return dev.keycard.protocol.Json.appendString(new StringBuilder(), s).toString();
    }

    private static Optional<Instant> parseId(String id) {
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(id.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

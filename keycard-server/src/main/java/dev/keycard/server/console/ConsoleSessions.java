package dev.keycard.server.console;

import dev.keycard.server.registry.Registry;
import dev.keycard.server.store.ConsoleSessionRepository;
import dev.keycard.server.store.ConsoleSessionRepository.Kind;
import dev.keycard.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is signed in to the console. An admin client asks for a one-time sign-in link (the CLI's
 * {@code keycard console}, holding the admin credentials); opening it within {@link #LINK_LIFETIME}
 * turns it into a session of {@link #SESSION_LIFETIME}, bound to that client. The secret of a
 * link or a session lives only in the URL or the cookie; the store keeps its SHA-256, so every
 * node sees the same sessions and a copy of the store opens none. A session ends at sign-out, when
 * it expires, or as soon as its client is no longer an enabled administrator.
 *
 * <p>Every change made through a session carries a CSRF token: an HMAC of the session's secret
 * under a key derived from the master key, so no node keeps state for it (OWASP's "signed double
 * submit" pattern, bound to the session).
 */
public final class ConsoleSessions {

    /** How long a sign-in link may wait to be opened. */
    public static final Duration LINK_LIFETIME = Duration.ofSeconds(60);
    /** How long a session lasts. */
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);

    /** A sign-in link's secret, to put in its URL, and until when it may be used. */
    public record Link(String secret, Instant expiresAt) {
        @Override
        public String toString() {
            return "Link[expires " + expiresAt + "]";
        }
    }

    /** A signed-in session: its secret (the cookie's value), its admin client, until when. */
    public record Session(String secret, String clientId, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[" + clientId + ", expires " + expiresAt + "]";
        }
    }

    private final Database db;
    private final ConsoleSessionRepository rows = new ConsoleSessionRepository();
    private final Registry registry;
    private final Clock clock;
    private final SecureRandom random;
    private final byte[] csrfKey;

    /** @param csrfKey a key only for CSRF tokens (derived from the master key) */
    public ConsoleSessions(Database db, Registry registry, Clock clock, SecureRandom random, byte[] csrfKey) {
        this.db = db;
        this.registry = registry;
        this.clock = clock;
        this.random = random;
        this.csrfKey = csrfKey.clone();
    }

    /** A new one-time sign-in link for {@code adminClientId}. */
    public Link link(String adminClientId) {
        String secret = newSecret();
        Instant now = clock.instant();
        Instant expires = now.plus(LINK_LIFETIME);
        db.transaction(c -> {
            rows.purge(c, now);
            rows.insert(c, hash(secret), Kind.LINK, adminClientId, now, expires);
            return null;
        });
        return new Link(secret, expires);
    }

    /**
     * Uses a sign-in link: once, before it expires, by a client that is still an enabled
     * administrator. The link is gone afterwards whatever the answer.
     *
     * @return the new session, or empty for a link that is unknown, used, expired or whose client
     *     may no longer administer Keycard
     */
    public Optional<Session> signIn(String linkSecret) {
        Instant now = clock.instant();
        String linkHash = hash(linkSecret);
        // Read first: a stranger's made-up link costs a read, not a write that would queue behind
        // (and hold up) the store's other writers.
        if (db.snapshot(c -> rows.find(c, linkHash, Kind.LINK, now)).isEmpty()) {
            return Optional.empty();
        }
        return db.transaction(c -> {
            Optional<ConsoleSessionRepository.Row> link = rows.find(c, linkHash, Kind.LINK, now);
            // Deleted in the same transaction: of two browsers opening one link, one signs in.
            if (!rows.delete(c, linkHash, Kind.LINK) || link.isEmpty() || !administrator(link.get().clientId())) {
                return Optional.<Session>empty();
            }
            String secret = newSecret();
            Instant expires = now.plus(SESSION_LIFETIME);
            rows.insert(c, hash(secret), Kind.SESSION, link.get().clientId(), now, expires);
            return Optional.of(new Session(secret, link.get().clientId(), expires));
        });
    }

    /** The live session whose cookie holds {@code secret}, if its client may still administer Keycard. */
    public Optional<Session> find(String secret) {
        Instant now = clock.instant();
        return db.snapshot(c -> rows.find(c, hash(secret), Kind.SESSION, now))
                .filter(row -> administrator(row.clientId()))
                .map(row -> new Session(secret, row.clientId(), row.expiresAt()));
    }

    /** Ends the session: its cookie opens nothing any more, on any node. */
    public void signOut(Session session) {
        db.transaction(c -> rows.delete(c, hash(session.secret()), Kind.SESSION));
    }

    /** The CSRF token every change made through {@code session} must carry. */
    public String csrfToken(Session session) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(session.secret().getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }

    /** Whether {@code token} is the session's CSRF token (in constant time). */
    public boolean csrfMatches(Session session, String token) {
        return MessageDigest.isEqual(csrfToken(session).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    /** An enabled client granted the admin scope: what the admin API also asks of a token's subject. */
    private boolean administrator(String clientId) {
        return registry.client(clientId).filter(c -> c.enabled() && c.grantedAdmin()).isPresent();
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}

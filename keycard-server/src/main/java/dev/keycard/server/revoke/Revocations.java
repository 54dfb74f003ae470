package dev.keycard.server.revoke;

import dev.keycard.server.store.ChangeLog;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.ChangeLog.Kind;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RevocationRepository;
import dev.keycard.server.store.RevocationRepository.RevokedToken;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revoked tokens, held in memory so that introspection reads no store: each revoked
 * {@code jti} until its token's {@code exp}, and each client's {@code revoked_before} (every token
 * of the client issued before it is revoked). Writes go to the store first and to memory once
 * committed, so a revocation that was answered survives a restart; {@link #reload()} reads the
 * store again (at start, or when another node changed it). A client's {@code revoked_before}
 * outlives the client: deleting or disabling a client revokes its tokens in the same transaction.
 *
 * <p>{@link #isRevoked} reads memory only and never blocks. Every other method blocks on the
 * store: call them off the event loop. Writers run one at a time, so a reload can never publish a
 * view older than a revocation that was just made.
 */
public final class Revocations {

    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    /**
     * How long a client revocation is kept: the longest life any token can have had
     * ({@code token.max-lifetime} goes up to a day, and may have been lowered since the tokens it
     * covers were issued), plus a margin for clocks of nodes that disagree a little.
     */
    static final Duration KEPT_FOR = Duration.ofDays(1).plusMinutes(5);

    private final Database db;
    private final RevocationRepository repository;
    private final Clock clock;
    private final List<Consumer<RevocationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<RevocationEvent>> learners = new CopyOnWriteArrayList<>();
    private volatile Map<String, RevocationEvent.TokenRevoked> tokens = new ConcurrentHashMap<>();
    private volatile Map<String, RevocationEvent.ClientTokensRevoked> clients = new ConcurrentHashMap<>();

    public Revocations(Database db, RevocationRepository repository, Clock clock) {
        this.db = db;
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * Whether a token is revoked: its {@code jti} is, or its {@code iat} is not after its client's
     * {@code revoked_before}. {@code iat} has whole seconds, so a token issued in the same second
     * as, but after, a client's revocation counts as revoked too: the safe side.
     */
    public boolean isRevoked(String jti, String clientId, Instant issuedAt) {
        if (tokens.containsKey(jti)) {
            return true;
        }
        RevocationEvent.ClientTokensRevoked client = clients.get(clientId);
        return client != null && !issuedAt.isAfter(client.revokedBefore());
    }

    /**
     * Revokes one token until {@code expiresAt}, when it would stop being valid anyway.
     *
     * @return false when it was revoked already (nothing changes, no event)
     */
    public synchronized boolean revoke(String jti, String clientId, Instant expiresAt) {
        if (tokens.containsKey(jti)) {
            return false;
        }
        RevokedToken row = new RevokedToken(jti, clientId, expiresAt, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        boolean inserted = db.transaction(c -> {
            boolean fresh = repository.insertRevokedToken(c, row);
            if (fresh) {
                db.changes().record(c, new Change(Kind.TOKEN_REVOCATION, jti), row.revokedAt());
            }
            return fresh;
        });
        RevocationEvent.TokenRevoked event = new RevocationEvent.TokenRevoked(jti, clientId, expiresAt, row.revokedAt());
        if (tokens.put(jti, event) == null) {
            learned(event);
        }
        if (inserted) { // else another node revoked it first and told its own listeners
            publish(event);
        }
        return inserted;
    }

    /**
     * Revokes every token of {@code clientId} issued until {@code before} (see {@link #isRevoked}),
     * to the millisecond the store keeps: as {@code iat} has whole seconds, dropping the rest of the
     * millisecond spares no token. The time never moves back: an earlier one than the client
     * already has changes nothing.
     *
     * @return the client's {@code revoked_before} now
     */
    public synchronized Instant revokeClientBefore(String clientId, Instant before) {
        RevocationEvent.ClientTokensRevoked event = db.transaction(c -> revokeClientBefore(c, clientId, before));
        committed(event);
        return event.revokedBefore();
    }

    /**
     * Like {@link #revokeClientBefore(String, Instant)}, inside the caller's transaction, so that a
     * change of the client (disabled, deleted) and the revocation of its tokens commit together.
     * Nothing is refused or published until the caller hands the result to {@link #committed}.
     */
    public RevocationEvent.ClientTokensRevoked revokeClientBefore(Connection c, String clientId, Instant before)
            throws SQLException {
        Instant effective = repository.putClientRevocation(c, clientId, before.truncatedTo(ChronoUnit.MILLIS));
        db.changes().record(c, new Change(Kind.CLIENT_REVOCATION, clientId), clock.instant());
        return new RevocationEvent.ClientTokensRevoked(clientId, effective);
    }

    /** Takes a client revocation whose transaction has committed into memory, and tells the listeners. */
    public synchronized void committed(RevocationEvent.ClientTokensRevoked event) {
        learnClient(event);
        publish(event);
    }

    /** Takes a client revocation into memory unless memory has a later one; tells the learners if it is new. */
    private void learnClient(RevocationEvent.ClientTokensRevoked event) {
        RevocationEvent.ClientTokensRevoked before = clients.get(event.clientId());
        if (before == null || event.revokedBefore().isAfter(before.revokedBefore())) {
            clients.put(event.clientId(), event);
            learned(event);
        }
    }

    /**
     * Rereads the revocations {@code changes} name (other kinds are left alone): what other nodes
     * revoked. Each one new to this node is told to the learners ({@link #onLearned}).
     */
    public synchronized void refresh(Collection<ChangeLog.Entry> changes) {
        Set<String> jtis = new HashSet<>();
        Set<String> clientIds = new HashSet<>();
        for (ChangeLog.Entry e : changes) {
            if (e.kind() == Kind.TOKEN_REVOCATION && !tokens.containsKey(e.id())) {
                jtis.add(e.id());
            } else if (e.kind() == Kind.CLIENT_REVOCATION) {
                clientIds.add(e.id());
            }
        }
        if (jtis.isEmpty() && clientIds.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        record Read(List<RevokedToken> tokens, Map<String, Instant> clients) {
        }
        Read read = db.transaction(c -> new Read(
                jtis.isEmpty() ? List.of() : repository.findRevokedTokens(c, jtis, now),
                clientIds.isEmpty() ? Map.of() : repository.findClientRevocations(c, clientIds)));
        for (RevokedToken t : read.tokens()) {
            RevocationEvent.TokenRevoked event = new RevocationEvent.TokenRevoked(t.jti(), t.clientId(),
                    t.expiresAt(), t.revokedAt());
            if (tokens.putIfAbsent(t.jti(), event) == null) {
                learned(event);
            }
        }
        read.clients().forEach((client, before) -> learnClient(new RevocationEvent.ClientTokensRevoked(client, before)));
    }

    /** Replaces what memory holds with what the store holds: revocations of tokens not yet expired. */
    public synchronized void reload() {
        Instant now = clock.instant();
        Map<String, RevocationEvent.TokenRevoked> freshTokens = new ConcurrentHashMap<>();
        Map<String, RevocationEvent.ClientTokensRevoked> freshClients = new ConcurrentHashMap<>();
        db.transaction(c -> {
            repository.findRevokedTokens(c, now).forEach(t -> freshTokens.put(t.jti(),
                    new RevocationEvent.TokenRevoked(t.jti(), t.clientId(), t.expiresAt(), t.revokedAt())));
            repository.findClientRevocations(c).forEach((client, before) -> freshClients.put(client,
                    new RevocationEvent.ClientTokensRevoked(client, before)));
            return null;
        });
        Map<String, RevocationEvent.TokenRevoked> oldTokens = tokens;
        Map<String, RevocationEvent.ClientTokensRevoked> oldClients = clients;
        tokens = freshTokens;
        clients = freshClients;
        freshTokens.forEach((jti, t) -> {
            if (!oldTokens.containsKey(jti)) {
                learned(t);
            }
        });
        freshClients.forEach((id, r) -> {
            RevocationEvent.ClientTokensRevoked old = oldClients.get(id);
            if (old == null || r.revokedBefore().isAfter(old.revokedBefore())) {
                learned(r);
            }
        });
    }

    /**
     * Forgets the revoked tokens that have expired, in memory and in the store: an expired token
     * is refused for its {@code exp} already.
     *
     * @return how many rows the store removed
     */
    public synchronized int purge() {
        Instant now = clock.instant();
        tokens.values().removeIf(t -> !t.expiresAt().isAfter(now));
        // A client revocation covers tokens issued until revoked_before, all expired a token's
        // longest life later; then the row (of a deleted client, too) can go.
        Instant coveredExpired = now.minus(KEPT_FOR);
        clients.values().removeIf(r -> r.revokedBefore().isBefore(coveredExpired));
        return db.transaction(c -> repository.deleteExpired(c, now)
                + repository.deleteClientRevocationsBefore(c, coveredExpired));
    }

    /**
     * Calls {@code listener} after each revocation this node commits, on the thread that made it
     * (a worker thread: the listener may block briefly, and must not throw).
     */
    public void onRevocation(Consumer<RevocationEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Every revocation in force, oldest first: what an event stream sends a subscriber that has
     * nothing yet, and what it compares with what it has sent. Expired tokens are left out.
     */
    public List<RevocationEvent> current() {
        Instant now = clock.instant();
        List<RevocationEvent> all = new ArrayList<>();
        tokens.values().stream().filter(t -> t.expiresAt().isAfter(now)).forEach(all::add);
        all.addAll(clients.values());
        all.sort(java.util.Comparator.comparing(RevocationEvent::at));
        return all;
    }

    /** How many revoked tokens memory holds, expired ones not yet purged included. */
    public int revokedTokenCount() {
        return tokens.size();
    }

    /**
     * Calls {@code learner} for every revocation new to this node's memory, whether this node or
     * another made it (with the lock of this object held: the learner must be quick and not block).
     */
    public void onLearned(Consumer<RevocationEvent> learner) {
        learners.add(learner);
    }

    private void learned(RevocationEvent event) {
        for (Consumer<RevocationEvent> learner : learners) {
            learner.accept(event);
        }
    }

    private void publish(RevocationEvent event) {
        for (Consumer<RevocationEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a revocation listener failed on {} of client {}: {}", event.getClass().getSimpleName(),
                        event.clientId(), e.toString());
            }
        }
    }
}

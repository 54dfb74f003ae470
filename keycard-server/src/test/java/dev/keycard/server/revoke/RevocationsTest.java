package dev.keycard.server.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.server.registry.Client;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RevocationRepository;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.Postgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Revocations} on a real store, SQLite and PostgreSQL (skipped where none answers): written
 * through, read back by a reload, purged after expiry, told to listeners.
 */
class RevocationsTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final RevocationRepository repository = new RevocationRepository();
    private @Nullable Database db;
    private @Nullable Postgres postgres;

    private Revocations open(String engine) {
        if (engine.equals("postgres")) {
            postgres = Postgres.schema();
            db = Database.open(postgres.url(), "", "", 2);
        } else {
            db = Database.open("jdbc:sqlite:" + dir.resolve("keycard.db"), "", "", 1);
        }
        Instant now = clock.instant();
        for (String id : List.of("worker", "other")) {
            db.transaction(c -> {
                new ClientRepository().insert(c, new Client(new ClientId(id), id, true,
                        Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC), Set.of(GrantType.CLIENT_CREDENTIALS),
                        Optional.empty(), Map.of(), List.of(), now, now));
                return null;
            });
        }
        return new Revocations(db, repository, clock);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private int storedRows() {
        return db.transaction(c -> repository.findRevokedTokens(c, Instant.EPOCH)).size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void revokeWhenReloadedByAnotherHolderThenStillRevoked(String engine) {
        Revocations revocations = open(engine);
        Instant iat = clock.instant();

        assertTrue(revocations.revoke("jti-1", "worker", iat.plusSeconds(900)));

        assertTrue(revocations.isRevoked("jti-1", "worker", iat));
        assertFalse(revocations.isRevoked("jti-2", "worker", iat));
        Revocations fresh = new Revocations(db, repository, clock);
        assertFalse(fresh.isRevoked("jti-1", "worker", iat), "nothing before the reload");
        fresh.reload();
        assertTrue(fresh.isRevoked("jti-1", "worker", iat));
        assertEquals(1, storedRows());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void revokeWhenSameJtiTwiceThenFalseAndOneEvent(String engine) {
        Revocations revocations = open(engine);
        List<RevocationEvent> events = new ArrayList<>();
        revocations.onRevocation(events::add);
        Instant exp = clock.instant().plusSeconds(900);

        assertTrue(revocations.revoke("jti-1", "worker", exp));
        assertFalse(revocations.revoke("jti-1", "worker", exp));

        assertEquals(List.of(new RevocationEvent.TokenRevoked("jti-1", "worker", exp,
                clock.instant().truncatedTo(ChronoUnit.MILLIS))), events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void purgeWhenTokenExpiredThenRowRemovedAndForgotten(String engine) {
        Revocations revocations = open(engine);
        Instant iat = clock.instant();
        revocations.revoke("short", "worker", iat.plusSeconds(60));
        revocations.revoke("long", "worker", iat.plusSeconds(900));
        assertEquals(0, revocations.purge());

        clock.advance(Duration.ofSeconds(60));

        assertEquals(1, revocations.purge());
        assertEquals(1, storedRows());
        assertEquals(1, revocations.revokedTokenCount());
        assertTrue(revocations.isRevoked("long", "worker", iat));
        revocations.reload();
        assertEquals(1, revocations.revokedTokenCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void reloadWhenRowExpiredButNotPurgedThenNotLoaded(String engine) {
        Revocations revocations = open(engine);
        revocations.revoke("short", "worker", clock.instant().plusSeconds(60));
        clock.advance(Duration.ofSeconds(60));

        revocations.reload();

        assertEquals(0, revocations.revokedTokenCount());
        assertEquals(1, storedRows(), "the purge removes it, not the reload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void revokeClientBeforeWhenTokensIssuedUntilThenRevokedAndLaterNot(String engine) {
        Revocations revocations = open(engine);
        List<RevocationEvent> events = new ArrayList<>();
        revocations.onRevocation(events::add);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);

        assertEquals(now, revocations.revokeClientBefore("worker", clock.instant()), "to the millisecond");

        assertTrue(revocations.isRevoked("any", "worker", now.minusSeconds(5)));
        assertTrue(revocations.isRevoked("any", "worker", now), "issued at the very instant");
        assertFalse(revocations.isRevoked("any", "worker", now.plusSeconds(1)));
        assertFalse(revocations.isRevoked("any", "other", now.minusSeconds(5)), "another client's");
        assertEquals(List.of(new RevocationEvent.ClientTokensRevoked("worker", now)), events);
        Revocations fresh = new Revocations(db, repository, clock);
        fresh.reload();
        assertTrue(fresh.isRevoked("any", "worker", now));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void revokeClientBeforeWhenEarlierThanStoredThenStoredTimeStays(String engine) {
        Revocations revocations = open(engine);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        revocations.revokeClientBefore("worker", now);

        assertEquals(now, revocations.revokeClientBefore("worker", now.minusSeconds(60)));

        assertTrue(revocations.isRevoked("any", "worker", now));
        Instant later = now.plusSeconds(60);
        assertEquals(later, revocations.revokeClientBefore("worker", later));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void clientRevocationWhenTheClientIsDeletedThenItStaysUntilEveryTokenItCoversHasExpired(String engine) {
        Revocations revocations = open(engine);
        Instant issued = clock.instant().truncatedTo(ChronoUnit.SECONDS); // an iat
        revocations.revokeClientBefore("worker", clock.instant());
        db.transaction(c -> new ClientRepository().delete(c, "worker"));

        Revocations fresh = new Revocations(db, repository, clock);
        fresh.reload();
        assertTrue(fresh.isRevoked("jti-9", "worker", issued), "the revocation went with the client");

        clock.advance(java.time.Duration.ofHours(24));
        fresh.purge();
        assertTrue(fresh.isRevoked("jti-9", "worker", issued), "kept the longest token life and a margin");
        clock.advance(java.time.Duration.ofMinutes(6));
        fresh.purge();
        assertFalse(fresh.isRevoked("jti-9", "worker", issued));
        fresh.reload();
        assertFalse(fresh.isRevoked("jti-9", "worker", issued), "forgotten in the store too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void refreshWhenAnotherNodeRevokedThenRereadFromTheChangeLogAndNewsOnce(String engine) {
        Revocations here = open(engine);
        Revocations there = new Revocations(db, repository, clock);
        there.reload();
        RevocationStream stream = new RevocationStream(there, clock, Duration.ofHours(1));
        long before = db.transaction(c -> db.changes().current(c));

        here.revoke("jti-1", "worker", clock.instant().plus(Duration.ofMinutes(5)));
        here.revokeClientBefore("other", clock.instant());
        dev.keycard.server.store.ChangeLog.Read read = db.transaction(c -> db.changes().after(c, before, 100))
                .orElseThrow();
        assertEquals(List.of("jti-1", "other"), read.entries().stream().map(e -> e.id()).toList(),
                "each revocation recorded in the change log");

        assertFalse(there.isRevoked("jti-1", "worker", clock.instant()));
        there.refresh(read.entries());
        assertTrue(there.isRevoked("jti-1", "worker", clock.instant()));
        assertTrue(there.isRevoked("jti-2", "other", clock.instant().minusSeconds(1)));
        String news = stream.news();
        assertTrue(news.contains("\"jti\":\"jti-1\"") && news.contains("client_tokens_revoked"), news);

        there.refresh(read.entries()); // read again (a repeated notification): nothing new
        there.reload();                // nor after a full reread
        assertEquals("", stream.news());
    }
}

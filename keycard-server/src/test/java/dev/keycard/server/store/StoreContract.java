package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.client.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's behaviour, run against every engine Keycard supports (subclasses open one each). */
abstract class StoreContract {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final String JOBS = "https://jobs.internal";

    final ApiRepository apis = new ApiRepository();
    final ClientRepository clients = new ClientRepository();
    final KeyRepository keys = new KeyRepository();
    Database db;

    /** Opens a store of this engine on a fresh, empty database. */
    abstract Database open();

    /** Opens the same database again, as a restart would. */
    abstract Database reopen();

    @BeforeEach
    void openStore() {
        db = open();
    }

    @AfterEach
    void closeStore() {
        db.close();
    }

    static Api api(String id, String... scopes) {
        return new Api(id, "API " + id, ScopeSet.of(scopes), Duration.ofMinutes(15), SigningAlg.ES256, true, false, T0, T0);
    }

    static ClientSecret secret(String id, String value) {
        return new ClientSecret(id, Secrets.digest(value), Secrets.hint(value), T0, null, null);
    }

    static Client client(String id, Map<String, ScopeSet> grants, ClientSecret... secrets) {
        return new Client(new ClientId(id), "Client " + id, true, Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC),
                Set.of(GrantType.CLIENT_CREDENTIALS), Optional.of(JOBS), grants, List.of(secrets), T0, T0);
    }

    <T> T tx(Database.SqlWork<T> work) {
        return db.transaction(work);
    }

    @Test
    void apiWhenInsertedThenFoundWithScopesAndFields() {
        tx(c -> { apis.insert(c, api(JOBS, "jobs:read", "jobs:write")); return null; });
        Api found = tx(c -> apis.find(c, JOBS)).orElseThrow();
        assertEquals(api(JOBS, "jobs:read", "jobs:write"), found);
    }

    @Test
    void apiWhenUpdatedThenRemovedScopeLeavesGrantsAndAddedScopeIsDefined() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read", "jobs:write"));
            clients.insert(c, client("w", Map.of(JOBS, ScopeSet.of("jobs:read", "jobs:write")), secret("s1", "kcs_a")));
            return null;
        });
        Api before = tx(c -> apis.find(c, JOBS)).orElseThrow();
        Api after = new Api(JOBS, "Jobs", ScopeSet.of("jobs:read", "jobs:admin"), Duration.ofMinutes(5),
                SigningAlg.RS256, false, false, T0, T0.plusSeconds(1));
        tx(c -> { apis.update(c, before, after); return null; });
        assertEquals(after, tx(c -> apis.find(c, JOBS)).orElseThrow());
        assertEquals(ScopeSet.of("jobs:read"), tx(c -> clients.find(c, "w")).orElseThrow().grants().get(JOBS));
    }

    @Test
    void clientWhenInsertedThenFoundWithSecretsAndGrants() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read", "jobs:write"));
            clients.insert(c, client("w", Map.of(JOBS, ScopeSet.of("jobs:read")), secret("s1", "kcs_a")));
            return null;
        });
        Client found = tx(c -> clients.find(c, "w")).orElseThrow();
        assertEquals("Client w", found.name());
        assertEquals(Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC), found.authMethods());
        assertEquals(Set.of(GrantType.CLIENT_CREDENTIALS), found.grantTypes());
        assertEquals(Optional.of(JOBS), found.defaultApi());
        assertEquals(Map.of(JOBS, ScopeSet.of("jobs:read")), found.grants());
        assertEquals(1, found.secrets().size());
        assertTrue(found.secrets().get(0).matches(Secrets.digest("kcs_a")));
        assertFalse(found.secrets().get(0).matches(Secrets.digest("kcs_b")));
    }

    @Test
    void clientsWhenReadWholeThenEachHasItsOwnRowsAndNamesKeepEveryCharacter() {
        String billing = "https://billing.internal";
        String name = "Zürich <b>\u00e9t\u00e9</b> \u6771\u4eac \u2713 \uD83D\uDD11"; // beyond ASCII, and 4 bytes
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read", "jobs:write"));
            apis.insert(c, api(billing, "bill:read"));
            clients.insert(c, new Client(new ClientId("a"), name, true, Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC),
                    Set.of(GrantType.CLIENT_CREDENTIALS), Optional.empty(),
                    Map.of(JOBS, ScopeSet.of("jobs:read", "jobs:write"), billing, ScopeSet.of("bill:read")),
                    List.of(secret("s1", "kcs_a"), secret("s2", "kcs_b")), T0, T0));
            clients.insert(c, client("b", Map.of()));
            clients.insert(c, client("c", Map.of(billing, ScopeSet.of("bill:read")), secret("s3", "kcs_c")));
            return null;
        });
        List<Client> all = tx(clients::findAll);
        assertEquals(List.of("a", "b", "c"), all.stream().map(cl -> cl.id().value()).toList());
        assertEquals(name, all.get(0).name());
        assertEquals(Map.of(JOBS, ScopeSet.of("jobs:read", "jobs:write"), billing, ScopeSet.of("bill:read")),
                all.get(0).grants());
        assertEquals(Set.of("s1", "s2"), all.get(0).secrets().stream().map(ClientSecret::id).collect(java.util.stream.Collectors.toSet()));
        assertEquals(Map.of(), all.get(1).grants());
        assertEquals(List.of(), all.get(1).secrets());
        assertEquals(Optional.of(JOBS), all.get(1).defaultApi());
        assertEquals(Map.of(billing, ScopeSet.of("bill:read")), all.get(2).grants());
        assertEquals(List.of("s3"), all.get(2).secrets().stream().map(ClientSecret::id).toList());
        assertTrue(all.get(2).secrets().get(0).matches(Secrets.digest("kcs_c")));
    }

    @Test
    void clientsWhenReadAPageAtATimeThenEveryClientOfEachPageHasItsOwnRows() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read"));
            for (String id : List.of("a", "b", "c", "d", "e", "f", "g")) {
                clients.insert(c, new Client(new ClientId(id), "Client " + id, !id.equals("c") && !id.equals("f"),
                        Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC), Set.of(GrantType.CLIENT_CREDENTIALS),
                        Optional.of(JOBS), Map.of(JOBS, ScopeSet.of("jobs:read")),
                        List.of(secret("s-" + id, "kcs_" + id)), T0, T0));
            }
            return null;
        });
        // Pages from the start, after a cursor, and filtered so that a page skips clients: the
        // first and last of each page, the bounds of its reads, must come with their rows too.
        List<List<Client>> pages = List.of(
                tx(c -> clients.page(c, Optional.empty(), 3, Optional.empty(), Optional.empty(), Optional.empty())),
                tx(c -> clients.page(c, Optional.of("c"), 3, Optional.empty(), Optional.empty(), Optional.empty())),
                tx(c -> clients.page(c, Optional.of("a"), 4, Optional.empty(), Optional.of(JOBS), Optional.of(true))));
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e", "f"), List.of("b", "d", "e", "g")),
                pages.stream().map(p -> p.stream().map(cl -> cl.id().value()).toList()).toList());
        for (List<Client> page : pages) {
            for (Client cl : page) {
                String id = cl.id().value();
                assertEquals(List.of("s-" + id), cl.secrets().stream().map(ClientSecret::id).toList(), id);
                assertEquals(Map.of(JOBS, ScopeSet.of("jobs:read")), cl.grants(), id);
            }
        }
    }

    @Test
    void grantWhenScopeNotDefinedByApiThenStoreRefuses() {
        tx(c -> { apis.insert(c, api(JOBS, "jobs:read")); return null; });
        StoreException e = assertThrows(StoreException.class, () -> tx(c -> {
            clients.insert(c, client("w", Map.of(JOBS, ScopeSet.of("jobs:delete")), secret("s1", "kcs_a")));
            return null;
        }));
        assertEquals(StoreException.Kind.CONFLICT, e.kind());
        assertTrue(tx(c -> clients.find(c, "w")).isEmpty(), "the failed transaction left nothing behind");
    }

    @Test
    void grantWhenPutTwiceThenReplacedAndDeleteRemovesIt() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read", "jobs:write"));
            clients.insert(c, client("w", Map.of(JOBS, ScopeSet.of("jobs:read")), secret("s1", "kcs_a")));
            clients.putGrant(c, "w", JOBS, ScopeSet.of("jobs:write"));
            return null;
        });
        assertEquals(ScopeSet.of("jobs:write"), tx(c -> clients.find(c, "w")).orElseThrow().grants().get(JOBS));
        assertTrue((boolean) tx(c -> clients.deleteGrant(c, "w", JOBS)));
        assertFalse((boolean) tx(c -> clients.deleteGrant(c, "w", JOBS)));
        assertTrue(tx(c -> clients.find(c, "w")).orElseThrow().grants().isEmpty());
    }

    @Test
    void apiWhenDeletedThenGrantsGoAndDefaultApiIsCleared() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read"));
            clients.insert(c, client("w", Map.of(JOBS, ScopeSet.of("jobs:read")), secret("s1", "kcs_a")));
            return null;
        });
        assertTrue((boolean) tx(c -> apis.delete(c, JOBS)));
        Client w = tx(c -> clients.find(c, "w")).orElseThrow();
        assertTrue(w.grants().isEmpty());
        assertEquals(Optional.empty(), w.defaultApi());
    }

    @Test
    void clientWhenDeletedThenSecretsAndGrantsGo() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read"));
            clients.insert(c, client("w", Map.of(JOBS, ScopeSet.of("jobs:read")), secret("s1", "kcs_a")));
            return null;
        });
        assertTrue((boolean) tx(c -> clients.delete(c, "w")));
        tx(c -> {
            clients.insert(c, client("w", Map.of(), secret("s2", "kcs_b")));
            return null;
        });
        Client again = tx(c -> clients.find(c, "w")).orElseThrow();
        assertEquals(List.of("s2"), again.secrets().stream().map(ClientSecret::id).toList());
        assertTrue(again.grants().isEmpty());
    }

    @Test
    void secretsWhenExpiredAndUsedThenTimesStoredAndNeverMoveBack() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read"));
            clients.insert(c, client("w", Map.of(), secret("s1", "kcs_a")));
            clients.insertSecret(c, "w", new ClientSecret("s2", Secrets.digest("kcs_b"), "h", T0.plusSeconds(5), null, null));
            clients.expireSecret(c, "s1", T0.plus(1, ChronoUnit.DAYS));
            clients.recordLastUsed(c, Map.of("s1", T0.plusSeconds(60), "s2", T0.plusSeconds(10)));
            clients.recordLastUsed(c, Map.of("s1", T0.plusSeconds(30), "s2", T0.plusSeconds(20)));
            return null;
        });
        Client w = tx(c -> clients.find(c, "w")).orElseThrow();
        assertEquals(List.of("s2", "s1"), w.secrets().stream().map(ClientSecret::id).toList(), "newest first");
        ClientSecret s1 = w.secrets().get(1);
        assertEquals(T0.plus(1, ChronoUnit.DAYS), s1.expiresAt());
        assertEquals(T0.plusSeconds(60), s1.lastUsedAt());
        assertEquals(T0.plusSeconds(20), w.secrets().get(0).lastUsedAt(), "a later time moves forward, in the same statement");
        assertTrue((boolean) tx(c -> clients.deleteSecret(c, "w", "s2")));
        assertFalse((boolean) tx(c -> clients.deleteSecret(c, "other", "s1")), "a secret is deleted only through its client");
    }

    @Test
    void scopeUsageWhenRecordedThenTheLatestTimeKeptAlsoForAUseGivenTwiceInOneCall() {
        ScopeUsageRepository usage = new ScopeUsageRepository();
        tx(c -> {
            usage.record(c, List.of(new ScopeUsageRepository.Use("w", JOBS, "jobs:read", T0.plusSeconds(60)),
                    new ScopeUsageRepository.Use("w", JOBS, "jobs:write", T0),
                    new ScopeUsageRepository.Use("w", JOBS, "jobs:read", T0.plusSeconds(90))));
            usage.record(c, List.of(new ScopeUsageRepository.Use("w", JOBS, "jobs:read", T0.plusSeconds(30))));
            return null;
        });
        assertEquals(Map.of(JOBS, Map.of("jobs:read", T0.plusSeconds(90), "jobs:write", T0)), tx(c -> usage.of(c, "w")),
                "the latest of a use given twice; an older time later changes nothing");
    }

    @Test
    void keysWhenInsertedThenFoundInActivationOrderAndRemovedOnce() {
        tx(c -> {
            keys.insert(c, new KeyRepository.StoredKey("k2", "ES256", "{}", "enc2", "active", T0, T0.plusSeconds(600), null));
            keys.insert(c, new KeyRepository.StoredKey("k1", "RS256", "{}", "enc1", "active", T0.plusSeconds(1),
                    T0.plusSeconds(1), null));
            return null;
        });
        List<KeyRepository.StoredKey> all = tx(keys::findAll);
        assertEquals(List.of("k1", "k2"), all.stream().map(KeyRepository.StoredKey::kid).toList());
        assertEquals("enc2", all.get(1).privateJwkEncrypted());
        assertEquals(T0.plusSeconds(600), all.get(1).activatesAt());
        assertEquals(null, all.get(1).removedAt());

        assertTrue((boolean) tx(c -> keys.remove(c, "k2", T0.plusSeconds(5))));
        assertFalse((boolean) tx(c -> keys.remove(c, "k2", T0.plusSeconds(6))), "removed once");
        KeyRepository.StoredKey removed = tx(keys::findAll).get(1);
        assertEquals("removed", removed.status());
        assertEquals(T0.plusSeconds(5), removed.removedAt());
        tx(c -> {
            keys.lockRotation(c, db.isSqlite()); // the advisory lock is taken and released with the transaction
            return null;
        });
    }

    @Test
    void storeWhenReopenedThenMigrationsIdempotentAndDataKept() {
        tx(c -> { apis.insert(c, api(JOBS, "jobs:read")); return null; });
        db.close();
        db = reopen();
        assertEquals(List.of(JOBS), tx(apis::findAll).stream().map(Api::identifier).toList());
        assertTrue(db.ping());
    }

    @Test
    void clientIdWhenDuplicateThenStoreRefuses() {
        tx(c -> {
            apis.insert(c, api(JOBS, "jobs:read"));
            clients.insert(c, client("w", Map.of(), secret("s1", "kcs_a")));
            return null;
        });
        StoreException e = assertThrows(StoreException.class, () -> tx(c -> {
            clients.insert(c, client("w", Map.of(), secret("s9", "kcs_z")));
            return null;
        }));
        assertEquals(StoreException.Kind.CONFLICT, e.kind(), "answered 409 by the admin API, not 503");
    }
}

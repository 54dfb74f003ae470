package dev.keycard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.config.ServerConfig.KeyPolicy;
import dev.keycard.server.store.ChangeLog;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.KeyRepository;
import dev.keycard.server.store.KeyRepository.StoredKey;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the signing keys and their rotation. Keys live in the store (private parts encrypted) and
 * are served from an immutable {@link KeyRing} that the token path reads without locking.
 *
 * <p>Rotation never fails a verification: a successor is published {@code keys.publish-lead}
 * before it signs (at least the JWKS's cache lifetime, so a verifier has it before its first
 * token), and the replaced key stays published until every token it signed has expired
 * ({@link KeyRing}). A background tick activates and retires keys on time and starts a scheduled
 * rotation when a key has signed for {@code keys.rotation-period}. On PostgreSQL an advisory lock
 * makes one node rotate; it records the new key in the store's change log and the other nodes
 * {@link #reload()} it.
 */
public final class KeyManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);

    private final Database db;
    private final KeyRepository repository;
    private final MasterKey masterKey;
    private final KeyMaterial material;
    private final Clock clock;
    private final SecureRandom random;
    private final KeyPolicy policy;
    private final Duration maxTokenLifetime;
    private final Map<String, SigningKey> loaded = new HashMap<>();
    private Map<SigningAlg, List<Instant>> removedActivations = Map.of();
    private final List<Consumer<KeyChange>> listeners = new CopyOnWriteArrayList<>();
    private volatile KeyRing ring;
    private @org.jspecify.annotations.Nullable ScheduledExecutorService ticker;

    public KeyManager(Database db, KeyRepository repository, MasterKey masterKey, Optional<Provider> provider,
                      Clock clock, SecureRandom random, KeyPolicy policy, Duration maxTokenLifetime) {
        this.db = db;
        this.repository = repository;
        this.masterKey = masterKey;
        this.material = new KeyMaterial(provider);
        this.clock = clock;
        this.random = random;
        this.policy = policy;
        this.maxTokenLifetime = maxTokenLifetime;
        this.ring = new KeyRing(List.of(), clock.instant(), maxTokenLifetime);
    }

    public KeyRing ring() {
        return ring;
    }

    /**
     * Calls {@code listener} after each key this node makes or removes (not for keys other nodes
     * made), on the thread that did it, holding this manager's lock: it must be quick and must not
     * throw.
     */
    public void onKeyChange(Consumer<KeyChange> listener) {
        listeners.add(listener);
    }

    private void tell(KeyChange change) {
        for (Consumer<KeyChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("a key listener failed on {}: {}", change.kid(), e.toString());
            }
        }
    }

    /**
     * Loads every stored key, then makes one for each of {@code algs} that has none.
     *
     * @throws IllegalStateException when a stored key does not decrypt (wrong master key)
     */
    public synchronized void load(Set<SigningAlg> algs) {
        reload();
        ensure(algs);
    }

    /** Makes a key, signing at once, for each of {@code algs} that has neither a current nor a next key. */
    public synchronized void ensure(Set<SigningAlg> algs) {
        for (SigningAlg alg : algs) {
            if (ring.current(alg).isEmpty() && !ring.hasNext(alg)) {
                create(alg, Duration.ZERO);
            }
        }
    }

    /** Starts the background tick: activations, retirements, scheduled rotation. */
    public synchronized void start() {
        Duration shortest = Duration.ofSeconds(20);
        for (Duration d : List.of(policy.rotationPeriod(), policy.publishLead(), maxTokenLifetime)) {
            if (!d.isZero() && d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        long tickMillis = Math.clamp(shortest.toMillis() / 4, 100, 5_000);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keycard-keys");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tickSafely, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("key maintenance failed, retrying at the next tick: {}", e.getMessage());
        }
    }

    /**
     * When a new key starts signing for each algorithm with a current key: a waiting successor's
     * activation, else the current key's scheduled rotation (now, if overdue) plus the publish lead. An algorithm is
     * missing when it rotates by hand only ({@code keys.rotation-period} 0) and nothing waits.
     */
    public Map<SigningAlg, Instant> nextRotations() {
        KeyRing r = ring;
        Map<SigningAlg, Instant> next = new EnumMap<>(SigningAlg.class);
        for (KeyRing.Entry e : r.entries()) {
            SigningAlg alg = e.key().alg();
            if (e.status() == KeyRing.Status.NEXT) {
                next.merge(alg, e.key().activatesAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        if (!policy.rotationPeriod().isZero()) {
            Instant now = clock.instant();
            for (KeyRing.Entry e : r.entries()) {
                if (e.status() == KeyRing.Status.CURRENT) {
                    // Overdue (the tick could not write, or the period was shortened): the next tick makes it.
                    Instant due = e.key().activatesAt().plus(policy.rotationPeriod());
                    next.putIfAbsent(e.key().alg(), (due.isBefore(now) ? now : due).plus(policy.publishLead()));
                }
            }
        }
        return next;
    }

    /** One round of maintenance; the background tick calls it, tests may too. */
    synchronized void tick() {
        Instant now = clock.instant();
        if (!policy.rotationPeriod().isZero()) {
            for (KeyRing.Entry e : ring.entries()) {
                SigningAlg alg = e.key().alg();
                if (e.status() == KeyRing.Status.CURRENT && !ring.hasNext(alg)
                        && !now.isBefore(e.key().activatesAt().plus(policy.rotationPeriod()))) {
                    LOG.info("signing key {} for {} has signed for {}: rotating", e.key().kid(), alg, policy.rotationPeriod());
                    create(alg, policy.publishLead());
                }
            }
        }
        if (ring.nextChange().isPresent() && !now.isBefore(ring.nextChange().get())) {
            refresh();
        }
    }

    /**
     * Rotation by hand: for {@code alg} (or every algorithm with a current key) a successor that
     * signs after the publish lead. An algorithm that already has a next key keeps it.
     *
     * @return the next keys, new or already waiting
     */
    public synchronized List<SigningKey> rotate(Optional<SigningAlg> alg) {
        List<SigningKey> next = new ArrayList<>();
        for (KeyRing.Entry e : ring.entries()) {
            SigningAlg a = e.key().alg();
            if (e.status() == KeyRing.Status.CURRENT && alg.map(a::equals).orElse(true)) {
                next.add(ring.hasNext(a) ? nextOf(a) : create(a, policy.publishLead()));
            }
        }
        return next;
    }

    private SigningKey nextOf(SigningAlg alg) {
        return ring.entries().stream().filter(e -> e.key().alg() == alg && e.status() == KeyRing.Status.NEXT)
                .map(KeyRing.Entry::key).findFirst().orElseThrow();
    }

    /**
     * Emergency removal of a compromised key: out of the JWKS at once, so verifiers drop it at
     * their next refresh. If it was signing, a new key signs at once, without the publish lead:
     * verifiers learn it from its first token's unknown {@code kid}.
     *
     * @return false when no key has this id
     */
    public synchronized boolean remove(String kid) {
        Optional<SigningKey> key = Optional.ofNullable(loaded.get(kid));
        boolean removed = db.transaction(c -> {
            boolean gone = repository.remove(c, kid, clock.instant());
            if (gone) {
                db.changes().record(c, new ChangeLog.Change(ChangeLog.Kind.KEY, kid), clock.instant());
            }
            return gone;
        });
        if (!removed) {
            return false;
        }
        LOG.warn("signing key {} removed by hand", kid);
        tell(new KeyChange.Removed(kid, key.map(SigningKey::alg)));
        reload();
        key.ifPresent(k -> {
            // A waiting successor keeps its schedule; tokens must be signed meanwhile.
            if (ring.current(k.alg()).isEmpty()) {
                create(k.alg(), Duration.ZERO);
            }
        });
        return true;
    }

    /** Rereads the store: keys made or removed by other nodes, or by hand. */
    public synchronized void reload() {
        Map<String, SigningKey> fresh = new HashMap<>();
        Map<SigningAlg, List<Instant>> removed = new java.util.EnumMap<>(SigningAlg.class);
        for (StoredKey stored : db.transaction(repository::findAll)) {
            Instant removedAt = stored.removedAt();
            if (removedAt != null) {
                if (!stored.activatesAt().isAfter(removedAt)) { // it had signed: it ended its predecessors
                    SigningAlg.named(stored.alg()).ifPresent(a ->
                            removed.computeIfAbsent(a, x -> new ArrayList<>()).add(stored.activatesAt()));
                }
            } else {
                SigningKey known = loaded.get(stored.kid());
                fresh.put(stored.kid(), known != null ? known : open(stored));
            }
        }
        loaded.clear();
        loaded.putAll(fresh);
        removedActivations = removed;
        refresh();
    }

    private void refresh() {
        ring = new KeyRing(loaded.values(), removedActivations, clock.instant(), maxTokenLifetime);
    }

    /**
     * Generates a key for {@code alg} that activates {@code lead} from now, unless another node
     * made one meanwhile (checked under the rotation lock), and returns the key that will sign next.
     */
    /** 96 random bits, base64url, never with a leading '-' (the CLI would read {@code keys remove -abc…} as an option). */
    private String newKid() {
        byte[] id = new byte[12];
        String kid;
        do {
            random.nextBytes(id);
            kid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        } while (kid.charAt(0) == '-');
        return kid;
    }

    private SigningKey create(SigningAlg alg, Duration lead) {
        String kid = newKid();
        try {
            JWK jwk = material.generate(alg, kid);
            Instant now = clock.instant();
            Instant activates = now.plus(lead);
            StoredKey stored = new StoredKey(kid, alg.name(), jwk.toPublicJWK().toJSONString(),
                    masterKey.encrypt(jwk.toJSONString(), kid), "active", now, activates, null);
            Optional<StoredKey> other = db.transaction(c -> {
                repository.lockRotation(c, db.isSqlite());
                Instant latest = ring.current(alg).map(SigningKey::activatesAt).orElse(Instant.MIN);
                Optional<StoredKey> made = repository.findAll(c).stream().filter(k -> k.removedAt() == null
                        && k.alg().equals(alg.name()) && k.activatesAt().isAfter(latest)
                        && !loaded.containsKey(k.kid())).findFirst();
                if (made.isEmpty()) {
                    repository.insert(c, stored);
                    db.changes().record(c, new ChangeLog.Change(ChangeLog.Kind.KEY, kid), now);
                }
                return made;
            });
            if (other.isPresent()) {
                LOG.info("another node made signing key {} for {}; using it", other.get().kid(), alg);
                reload();
                return loaded.get(other.get().kid());
            }
            SigningKey key = new SigningKey(kid, alg, jwk.toPublicJWK(), material.signer(alg, jwk),
                    material.verifier(alg, jwk.toPublicJWK()), now, activates);
            loaded.put(kid, key);
            refresh();
            tell(new KeyChange.Created(kid, alg, activates));
            LOG.info("generated signing key {} for {}, signing from {}", kid, alg, activates);
            return key;
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("cannot generate a " + alg + " signing key: " + e.getMessage(), e);
        }
    }

    private SigningKey open(StoredKey stored) {
        SigningAlg alg = SigningAlg.named(stored.alg()).orElseThrow(
                () -> new IllegalStateException("signing key " + stored.kid() + " has unknown alg " + stored.alg()));
        try {
            JWK jwk = JWK.parse(masterKey.decrypt(stored.privateJwkEncrypted(), stored.kid()));
            return new SigningKey(stored.kid(), alg, jwk.toPublicJWK(), material.signer(alg, jwk),
                    material.verifier(alg, jwk.toPublicJWK()), stored.createdAt(), stored.activatesAt());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " does not decrypt: is the master key"
                    + " (master-key or master-key.file) the one these keys were stored with?");
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}

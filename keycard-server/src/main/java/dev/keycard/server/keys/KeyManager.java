package dev.keycard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.KeyRepository;
import dev.keycard.server.store.KeyRepository.StoredKey;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the signing keys: loads them from the store (decrypting the private parts), generates a key
 * for each algorithm in use that has none, and publishes an immutable {@link KeyRing} that the
 * token path reads without locking.
 */
public final class KeyManager {

    private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);

    private final Database db;
    private final KeyRepository repository;
    private final MasterKey masterKey;
    private final KeyMaterial material;
    private final Clock clock;
    private final SecureRandom random;
    private volatile KeyRing ring = new KeyRing(List.of());

    public KeyManager(Database db, KeyRepository repository, MasterKey masterKey, Optional<Provider> provider,
                      Clock clock, SecureRandom random) {
        this.db = db;
        this.repository = repository;
        this.masterKey = masterKey;
        this.material = new KeyMaterial(provider);
        this.clock = clock;
        this.random = random;
    }

    public KeyRing ring() {
        return ring;
    }

    /**
     * Loads every stored key, then generates and stores one for each of {@code algs} that has none.
     *
     * @throws IllegalStateException when a stored key does not decrypt (wrong master key)
     */
    public synchronized void load(Set<SigningAlg> algs) {
        List<SigningKey> keys = new ArrayList<>();
        for (StoredKey stored : db.transaction(repository::findAll)) {
            keys.add(open(stored));
        }
        ring = new KeyRing(keys);
        ensure(algs);
    }

    /** Generates and stores a key for each of {@code algs} that has no current key. */
    public synchronized void ensure(Set<SigningAlg> algs) {
        List<SigningKey> keys = new ArrayList<>(ring.all());
        boolean changed = false;
        for (SigningAlg alg : algs) {
            if (ring.current(alg).isEmpty()) {
                keys.add(create(alg));
                changed = true;
            }
        }
        if (changed) {
            ring = new KeyRing(keys);
        }
    }

    private SigningKey create(SigningAlg alg) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        try {
            JWK jwk = material.generate(alg, kid);
            Instant now = clock.instant();
            StoredKey stored = new StoredKey(kid, alg.name(), jwk.toPublicJWK().toJSONString(),
                    masterKey.encrypt(jwk.toJSONString(), kid), "active", now);
            SigningKey key = new SigningKey(kid, alg, jwk.toPublicJWK(), material.signer(alg, jwk),
                    material.verifier(alg, jwk.toPublicJWK()), now);
            db.transaction(c -> {
                repository.insert(c, stored);
                return null;
            });
            LOG.info("generated signing key {} for {}", kid, alg);
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
                    material.verifier(alg, jwk.toPublicJWK()), stored.createdAt());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " does not decrypt: is the master key"
                    + " (master-key or master-key.file) the one these keys were stored with?");
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("signing key " + stored.kid() + " is unreadable: " + e.getMessage(), e);
        }
    }
}

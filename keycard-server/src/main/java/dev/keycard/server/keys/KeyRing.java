package dev.keycard.server.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keycard.server.api.SigningAlg;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An immutable view of the signing keys: the current key for each algorithm, every published key
 * by id, and the JWKS document rendered once (RFC 7517 §5), public parts only.
 */
public final class KeyRing {

    private final Map<SigningAlg, SigningKey> current;
    private final Map<String, SigningKey> byKid;
    private final String jwksJson;

    KeyRing(Collection<SigningKey> keys) {
        Map<SigningAlg, SigningKey> cur = new EnumMap<>(SigningAlg.class);
        for (SigningKey k : keys) {
            SigningKey seen = cur.get(k.alg());
            if (seen == null || k.createdAt().isAfter(seen.createdAt())) {
                cur.put(k.alg(), k);
            }
        }
        this.current = Map.copyOf(cur);
        this.byKid = keys.stream().collect(Collectors.toUnmodifiableMap(SigningKey::kid, Function.identity()));
        List<JWK> published = new ArrayList<>();
        keys.forEach(k -> published.add(k.publicJwk()));
        this.jwksJson = new JWKSet(published).toString(true);
    }

    /** The key that signs new tokens for {@code alg}. */
    public Optional<SigningKey> current(SigningAlg alg) {
        return Optional.ofNullable(current.get(alg));
    }

    /** A published key by its id. */
    public Optional<SigningKey> byKid(String kid) {
        return Optional.ofNullable(byKid.get(kid));
    }

    /** The JWKS document: {@code {"keys":[…]}} with public keys only. */
    public String jwksJson() {
        return jwksJson;
    }

    public Collection<SigningKey> all() {
        return byKid.values();
    }
}

package dev.keycard.server.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keycard.server.api.SigningAlg;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable view of the signing keys at one instant: the key that signs for each algorithm,
 * the keys published in the JWKS (RFC 7517 §5, public parts only) and when this view stops being
 * true. Per algorithm the keys form a line ordered by activation:
 * <ul>
 *   <li><b>next</b>: activates later; published already, signs nothing yet;</li>
 *   <li><b>current</b>: the latest that has activated; signs;</li>
 *   <li><b>previous</b>: replaced, still published while tokens it signed may be alive — until its
 *       successor's activation plus the longest token lifetime plus {@link #RETIRE_MARGIN};</li>
 *   <li><b>retired</b>: past that; neither published nor trusted.</li>
 * </ul>
 */
public final class KeyRing {

    /** Covers verifiers' clock skew and the key manager noticing an activation a little late. */
    static final Duration RETIRE_MARGIN = Duration.ofMinutes(1);

    /** A key's place in the line at this instant. */
    public enum Status { NEXT, CURRENT, PREVIOUS, RETIRED }

    /** A key with its status and, for a replaced key, when it retires. */
    public record Entry(SigningKey key, Status status, Optional<Instant> retiresAt) {
    }

    private final Map<SigningAlg, SigningKey> current;
    private final Map<String, SigningKey> published;
    private final List<Entry> entries;
    private final String jwksJson;
    private final Optional<Instant> nextChange;

    KeyRing(Collection<SigningKey> keys, Instant now, Duration maxTokenLifetime) {
        this(keys, Map.of(), now, maxTokenLifetime);
    }

    /**
     * @param removedActivations per algorithm, when each key removed by hand had started signing:
     *     such a key still ended its predecessors' signing, so removing it must not bring a retired
     *     (or previous) key back to current
     */
    KeyRing(Collection<SigningKey> keys, Map<SigningAlg, List<Instant>> removedActivations, Instant now,
            Duration maxTokenLifetime) {
        Map<SigningAlg, List<SigningKey>> byAlg = new EnumMap<>(SigningAlg.class);
        for (SigningKey k : keys) {
            byAlg.computeIfAbsent(k.alg(), a -> new ArrayList<>()).add(k);
        }
        Map<SigningAlg, SigningKey> cur = new EnumMap<>(SigningAlg.class);
        Map<String, SigningKey> pub = new LinkedHashMap<>();
        List<Entry> all = new ArrayList<>();
        @Nullable Instant change = null;
        for (List<SigningKey> line : byAlg.values()) {
            line.sort(Comparator.comparing(SigningKey::activatesAt).thenComparing(SigningKey::createdAt));
            for (int i = 0; i < line.size(); i++) {
                SigningKey k = line.get(i);
                @Nullable Instant successor = i + 1 < line.size() ? line.get(i + 1).activatesAt() : null;
                for (Instant removed : removedActivations.getOrDefault(k.alg(), List.of())) {
                    if (removed.isAfter(k.activatesAt()) && (successor == null || removed.isBefore(successor))) {
                        successor = removed;
                    }
                }
                Entry e;
                if (k.activatesAt().isAfter(now)) {
                    e = new Entry(k, Status.NEXT, Optional.empty());
                    change = earliest(change, k.activatesAt());
                } else if (successor == null || successor.isAfter(now)) {
                    e = new Entry(k, Status.CURRENT, Optional.empty());
                    cur.put(k.alg(), k);
                } else {
                    Instant retires = successor.plus(maxTokenLifetime).plus(RETIRE_MARGIN);
                    boolean retired = !retires.isAfter(now);
                    e = new Entry(k, retired ? Status.RETIRED : Status.PREVIOUS, Optional.of(retires));
                    if (!retired) {
                        change = earliest(change, retires);
                    }
                }
                all.add(e);
                if (e.status() != Status.RETIRED) {
                    pub.put(k.kid(), k);
                }
            }
        }
        this.current = Map.copyOf(cur);
        this.published = Map.copyOf(pub);
        this.entries = List.copyOf(all);
        this.nextChange = Optional.ofNullable(change);
        List<JWK> jwks = new ArrayList<>();
        pub.values().forEach(k -> jwks.add(k.publicJwk()));
        this.jwksJson = new JWKSet(jwks).toString(true);
    }

    private static Instant earliest(@Nullable Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** The key that signs new tokens for {@code alg}. */
    public Optional<SigningKey> current(SigningAlg alg) {
        return Optional.ofNullable(current.get(alg));
    }

    /** A published key by its id: next, current or previous; never a retired or removed one. */
    public Optional<SigningKey> byKid(String kid) {
        return Optional.ofNullable(published.get(kid));
    }

    /** The JWKS document: {@code {"keys":[…]}} with the public parts of the published keys. */
    public String jwksJson() {
        return jwksJson;
    }

    /** Every loaded key with its status, ordered by algorithm and activation. */
    public List<Entry> entries() {
        return entries;
    }

    /** When a key activates or retires next, which makes this view stale. */
    public Optional<Instant> nextChange() {
        return nextChange;
    }

    /** Whether a key for {@code alg} is waiting to activate. */
    boolean hasNext(SigningAlg alg) {
        return entries.stream().anyMatch(e -> e.key().alg() == alg && e.status() == Status.NEXT);
    }

    Collection<SigningKey> all() {
        return entries.stream().map(Entry::key).toList();
    }
}

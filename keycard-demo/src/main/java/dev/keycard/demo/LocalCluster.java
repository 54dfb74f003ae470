package dev.keycard.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A stand-in for a Kubernetes cluster's service-account token issuer: its signing key, its JWK Set
 * (what {@code kubectl get --raw /openid/v1/jwks} prints), and the kubelet's part, writing a
 * projected service-account token for Keycard's audience into a pod's file, replaced before it
 * expires. Tokens are shaped as a cluster makes them: {@code sub}
 * {@code system:serviceaccount:<namespace>:<name>}, the namespace and pod in {@code kubernetes.io}.
 */
final class LocalCluster {

    /** The issuer a cluster's API server names with {@code --service-account-issuer}. */
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    /** The audience the pod spec's projected volume asks for: a value dedicated to Keycard. */
    static final String AUDIENCE = "keycard";
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final ECKey key;

    LocalCluster() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("cluster-sa-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("no P-256 key", e);
        }
    }

    /** The cluster's public keys. */
    String jwks() {
        return new JWKSet(key.toPublicJWK()).toString(false);
    }

    /** Writes a fresh token of service account {@code namespace/name} into {@code file}, as the kubelet does. */
    void project(Path file, String namespace, String name) throws IOException {
        Instant now = Instant.now();
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).subject("system:serviceaccount:" + namespace + ":" + name)
                        .audience(AUDIENCE).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(LIFETIME))).jwtID(UUID.randomUUID().toString())
                        .claim("kubernetes.io", java.util.Map.of("namespace", namespace,
                                "pod", java.util.Map.of("name", name + "-7d9f8", "uid", UUID.randomUUID().toString()),
                                "serviceaccount", java.util.Map.of("name", name, "uid", UUID.randomUUID().toString())))
                        .build());
        try {
            token.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign", e);
        }
        Path part = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(part, token.serialize());
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}

package dev.keycard.server.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A workload identity issuer on loopback, as a Kubernetes API server, GitHub Actions or a SPIRE
 * bundle endpoint look to Keycard: OIDC discovery at {@code /.well-known/openid-configuration}
 * and its JWK Set at {@code /jwks} (SPIFFE-bundle shaped when asked: keys with {@code use}
 * {@code jwt-svid}), and tokens signed with its ES256 key.
 */
public final class TestIssuer implements AutoCloseable {

    private final HttpServer http;
    private final ECKey key;
    private volatile String discoveredIssuer;
    private volatile boolean spiffeBundle;

    public TestIssuer() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("issuer-key-1").generate();
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        discoveredIssuer = url();
        http.createContext("/.well-known/openid-configuration", exchange -> respond(exchange,
                "{\"issuer\":\"" + discoveredIssuer + "\",\"jwks_uri\":\"" + url() + "/jwks\"}"));
        http.createContext("/jwks", exchange -> {
            ECKey published = spiffeBundle ? new ECKey.Builder(key.toPublicJWK()).keyUse(new KeyUse("jwt-svid")).build()
                    : key.toPublicJWK();
            respond(exchange, new JWKSet(List.of(published)).toString(false));
        });
        http.start();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Its issuer identifier: {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Where its JWK Set is. */
    public String jwksUri() {
        return url() + "/jwks";
    }

    /** Its public keys, as a JWK Set's JSON. */
    public String jwks() {
        return new JWKSet(List.of(key.toPublicJWK())).toString(false);
    }

    /** Makes discovery name {@code issuer} instead of its own URL. */
    public void discoveryNames(String issuer) {
        discoveredIssuer = issuer;
    }

    /** Publishes its key as a SPIFFE bundle does ({@code use}: {@code jwt-svid}). */
    public void asSpiffeBundle() {
        spiffeBundle = true;
    }

    /** A token for {@code subject} and {@code audience}, issued now for ten minutes, changed by {@code edit}. */
    public String token(String subject, String audience, UnaryOperator<JWTClaimsSet.Builder> edit) {
        return sign(key, edit.apply(claims(subject, audience)).build());
    }

    /** The same token signed by a key this issuer does not publish, under its kid. */
    public String forged(String subject, String audience) {
        try {
            return sign(new ECKeyGenerator(Curve.P_256).keyID(key.getKeyID()).generate(),
                    claims(subject, audience).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JWTClaimsSet.Builder claims(String subject, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(url()).subject(subject).audience(audience)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    private static String sign(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}

package dev.keycard.resource.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An authorization server built with Nimbus alone, independent of Keycard: RFC 8414 metadata and
 * a key set on a loopback port, keys that can be added and removed, and RFC 9068 tokens minted
 * on request. It also counts key-set fetches and can be told to fail them.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String AUDIENCE = "https://jobs.example";

    private final HttpServer server;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private volatile int jwksStatus = 200;
    private volatile String jwksOverride = "";
    private volatile String metadataIssuer = "";

    private TestIssuer(HttpServer server) {
        this.server = server;
    }

    public static TestIssuer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestIssuer issuer = new TestIssuer(server);
            server.createContext("/.well-known/oauth-authorization-server", issuer::metadata);
            server.createContext("/jwks", issuer::jwks);
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public java.net.URI jwksUri() {
        return java.net.URI.create(issuer() + "/jwks");
    }

    public static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes the public part of the key. */
    public TestIssuer publish(JWK key) {
        published.add(key.toPublicJWK());
        return this;
    }

    public TestIssuer unpublish(JWK key) {
        published.removeIf(k -> k.getKeyID().equals(key.getKeyID()));
        return this;
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** Makes the key-set endpoint answer with this status (200 to recover). */
    public void jwksStatus(int status) {
        this.jwksStatus = status;
    }

    /** Makes the key-set endpoint answer with this body instead of the keys ("" to stop). */
    public void jwksBody(String body) {
        this.jwksOverride = body;
    }

    /** Makes the metadata name another issuer ("" to stop). */
    public void metadataIssuer(String issuer) {
        this.metadataIssuer = issuer;
    }

    /** The claims Keycard would put in a client-credentials token, valid for 5 minutes from {@code now}. */
    public JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder().issuer(issuer()).subject("batch-worker").audience(AUDIENCE)
                .claim("client_id", "batch-worker").claim("scope", "jobs:read jobs:write")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(java.util.UUID.randomUUID().toString());
    }

    /** A header {@code typ: at+jwt} with the key's id and its usual algorithm. */
    public static JWSHeader.Builder header(JWK key) {
        JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        return new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt")).keyID(key.getKeyID());
    }

    public String token(JWK key, Instant now) {
        return sign(key, header(key).build(), claims(now).build());
    }

    public String token(JWK key, Instant now, Consumer<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> claims) {
        JWSHeader.Builder h = header(key);
        header.accept(h);
        JWTClaimsSet.Builder c = claims(now);
        claims.accept(c);
        return sign(key, h.build(), c.build());
    }

    public static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void metadata(HttpExchange exchange) throws IOException {
        String iss = metadataIssuer.isEmpty() ? issuer() : metadataIssuer;
        respond(exchange, 200, "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + jwksUri() + "\"}");
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksFetches.incrementAndGet();
        String body = jwksOverride.isEmpty() ? new JWKSet(List.copyOf(published)).toString() : jwksOverride;
        respond(exchange, jwksStatus, jwksStatus == 200 ? body : "{\"error\":\"down\"}");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.client.StubServer.Response;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The secret and the tokens never show in toString, exception messages or logs. */
@Timeout(60)
class SecretHygieneTest {

    StubServer stub;
    MutableClock clock = new MutableClock();
    List<String> logged = new ArrayList<>();
    Logger jul = Logger.getLogger("dev.keycard.client");
    Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(new SimpleFormatter().formatMessage(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        stub = StubServer.start();
        jul.setLevel(Level.ALL);
        jul.addHandler(capture);
    }

    @AfterEach
    void stop() {
        jul.removeHandler(capture);
        stub.close();
    }

    void assertClean(String text) {
        assertFalse(text.contains(TestSources.SECRET), text);
        assertFalse(text.contains("tok-value-1"), text);
    }

    @Test
    void toStringWhenSourceBuilderTokenAndExceptionsThenNoSecretNoToken() {
        stub.script(Response.token("tok-value-1", 600), Response.error(401, "invalid_client", "bad credentials"),
                Response.json(503, ""));
        ClientCredentialsTokenSource.Builder builder = TestSources.stub(stub, clock).maxAttempts(2);
        ClientCredentialsTokenSource tokens = builder.build();
        AccessToken token = tokens.token();
        tokens.invalidate();
        TokenRequestException refused = assertThrows(TokenRequestException.class, tokens::token);
        TokenUnavailableException down = assertThrows(TokenUnavailableException.class, tokens::token);

        for (Object o : List.of(builder, tokens, token, refused, down, new BearerHttpClient(java.net.http.HttpClient.newHttpClient(), tokens))) {
            assertClean(o.toString());
        }
        assertTrue(tokens.toString().contains("clientId=svc") && tokens.toString().contains("secret=value(redacted)"), tokens.toString());
        synchronized (logged) {
            assertFalse(logged.isEmpty(), "debug and warning lines were written");
            logged.forEach(this::assertClean);
        }
    }

    @Test
    void tokenWhenEnvironmentVariableMissingThenFailsNamingIt() {
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().tokenEndpoint(stub.uri("/token")).clientId("svc")
                .clientSecretFromEnv("NO_SUCH_SECRET").environment(Map.<String, String>of()::get).build();

        KeycardClientException e = assertThrows(KeycardClientException.class, tokens::token);

        assertEquals("client secret environment variable NO_SUCH_SECRET is not set", e.getMessage());
        assertEquals(0, stub.count());
        assertTrue(tokens.toString().contains("secret=env:NO_SUCH_SECRET"), tokens.toString());
    }

    @Test
    void tokenWhenSecretFileMissingThenFailsNamingItNotItsContent() throws Exception {
        Path file = dir.resolve("secret");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().tokenEndpoint(stub.uri("/token"))
                .clientId("svc").clientSecretFile(file).build();

        KeycardClientException e = assertThrows(KeycardClientException.class, tokens::token);
        assertEquals("client secret file " + file + " cannot be read (NoSuchFileException)", e.getMessage());

        Files.writeString(file, "  \n");
        assertEquals("client secret file " + file + " is empty", assertThrows(KeycardClientException.class, tokens::token).getMessage());
        assertEquals(0, stub.count());
    }

    @Test
    void buildWhenSettingsConflictOrMissingThenRejectedNamingThem() {
        URI endpoint = stub.uri("/token");
        assertEquals("exactly one of issuer and tokenEndpoint is required", assertThrows(IllegalStateException.class,
                () -> ClientCredentialsTokenSource.builder().clientId("a").clientSecret("s").build()).getMessage());
        assertEquals("exactly one of issuer and tokenEndpoint is required", assertThrows(IllegalStateException.class,
                () -> ClientCredentialsTokenSource.builder().issuer(endpoint).tokenEndpoint(endpoint).clientId("a").clientSecret("s")
                        .build()).getMessage());
        assertEquals("exactly one of clientSecret, clientSecretFromEnv, clientSecretFile, privateKeyJwt, clientAssertionFile and tlsClientAuth is required",
                assertThrows(IllegalStateException.class, () -> ClientCredentialsTokenSource.builder().tokenEndpoint(endpoint)
                        .clientId("a").clientSecret("s").clientSecretFromEnv("S").build()).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> ClientCredentialsTokenSource.builder().tokenEndpoint(endpoint)
                .clientId("a").tlsClientAuth().build()).getMessage().startsWith("tlsClientAuth needs the client's certificate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientCredentialsTokenSource.builder()
                .dpop(secp256k1())).getMessage().contains("P-256"), "a 256-bit curve that is not P-256");
        assertEquals("resource and audience are exclusive", assertThrows(IllegalStateException.class,
                () -> ClientCredentialsTokenSource.builder().tokenEndpoint(endpoint).clientId("a").clientSecret("s")
                        .resource("https://a").audience("b").build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientCredentialsTokenSource.builder().tokenEndpoint(endpoint)
                .clientId("a").clientSecret("s").resource("jobs").build()).getMessage().startsWith("resource must be an absolute URI"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientCredentialsTokenSource.builder()
                .issuer(URI.create("https://a.example/?x=1"))).getMessage().startsWith("issuer must have no query"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientCredentialsTokenSource.builder().tokenEndpoint(endpoint)
                .clientId("a").clientSecret("s").scopes("bad scope").build()).getMessage().contains("not a scope token"));
        assertEquals("maxAttempts must be at least 1: 0", assertThrows(IllegalArgumentException.class,
                () -> ClientCredentialsTokenSource.builder().maxAttempts(0)).getMessage(), "refused by the setter");
        assertEquals("initialBackoff must not exceed maxBackoff", assertThrows(IllegalStateException.class,
                () -> ClientCredentialsTokenSource.builder().tokenEndpoint(endpoint).clientId("a").clientSecret("s")
                        .initialBackoff(java.time.Duration.ofSeconds(20)).build()).getMessage());
    }

    /** A key pair on secp256k1, another 256-bit curve (Bouncy Castle is not needed: the JDK's EC spec). */
    private static java.security.KeyPair secp256k1() {
        java.math.BigInteger p = new java.math.BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", 16);
        java.security.spec.ECParameterSpec spec = new java.security.spec.ECParameterSpec(
                new java.security.spec.EllipticCurve(new java.security.spec.ECFieldFp(p), java.math.BigInteger.ZERO,
                        java.math.BigInteger.valueOf(7)),
                new java.security.spec.ECPoint(
                        new java.math.BigInteger("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", 16),
                        new java.math.BigInteger("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", 16)),
                new java.math.BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16), 1);
        java.security.interfaces.ECPublicKey pub = new java.security.interfaces.ECPublicKey() {
            public java.security.spec.ECPoint getW() { return spec.getGenerator(); }
            public String getAlgorithm() { return "EC"; }
            public String getFormat() { return null; }
            public byte[] getEncoded() { return null; }
            public java.security.spec.ECParameterSpec getParams() { return spec; }
        };
        java.security.interfaces.ECPrivateKey priv = new java.security.interfaces.ECPrivateKey() {
            public java.math.BigInteger getS() { return java.math.BigInteger.ONE; }
            public String getAlgorithm() { return "EC"; }
            public String getFormat() { return null; }
            public byte[] getEncoded() { return null; }
            public java.security.spec.ECParameterSpec getParams() { return spec; }
        };
        return new java.security.KeyPair(pub, priv);
    }
}

package dev.keycard.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.BearerAuthentication;
import dev.keycard.resource.DPoPProofVerifier;
import dev.keycard.server.token.Caller;
import dev.keycard.server.token.TokenHttpRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What keycard-resource costs an API per request with a DPoP-bound token (RFC 9449 §7), single
 * thread: a cached ES256 token (Keycard's, bound to the client's key) and a new ES256 proof each
 * time: the proof's every check of §4.3 with {@code ath}, its signature, the replay record, the
 * key's match with {@code cnf.jkt} and the scope check, through {@link BearerAuthentication}, the
 * path both adapters take. Issue 13's target with AWS-LC: ≤ 80 µs. The proofs (each with its own
 * {@code jti}, as a client makes them) are signed in setup; past the last one the record is
 * started afresh, outside the measured work's average.
 *
 * <p>Run: {@code java -jar keycard-benchmarks/target/benchmarks.jar DPoPVerify -p cryptoProvider=auto,jdk}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class DPoPVerifyBenchmark {

    /** Proofs made in setup: above what 16 s of calls at 50 µs use. */
    private static final int PROOFS = 400_000;
    private static final URI TARGET = URI.create("https://es256.bench/jobs");

    @Param({"auto"})
    public String cryptoProvider = "auto";

    private BenchmarkServer bench;
    private AccessTokenVerifier verifier;
    private BearerAuthentication authentication;
    private List<String> authorization;
    private String[] proofs;
    private int next;
    private ScopeSet required;

    @Setup(Level.Trial)
    public void start() throws Exception {
        bench = BenchmarkServer.start(cryptoProvider, List.of(IssuePathBenchmark.ES256));
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        ECDSASigner signer = new ECDSASigner(key);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK()).build();
        String tokenProof = sign(signer, header, new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", "POST").claim("htu", bench.server().issuer() + "/oauth2/token").issueTime(new Date()).build());
        String token = bench.server().tokenEndpoint().handle(new TokenHttpRequest("POST", BenchmarkServer.FORM,
                bench.clientAuthorization(), BenchmarkServer.tokenRequestBody(IssuePathBenchmark.ES256), "127.0.0.1",
                new Caller(), List.of(tokenProof))).accessToken();
        authorization = List.of("DPoP " + token);
        required = ScopeSet.parse(BenchmarkServer.SCOPE);
        String ath = DPoPProofVerifier.tokenHash(token);
        proofs = new String[PROOFS];
        Date now = new Date();
        for (int i = 0; i < PROOFS; i++) {
            proofs[i] = sign(signer, header, new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                    .claim("htm", "GET").claim("htu", TARGET.toString()).claim("ath", ath).issueTime(now).build());
        }
        verifier = AccessTokenVerifier.builder().issuer(bench.server().issuer())
                .audiences(IssuePathBenchmark.ES256.identifier()).build();
        authentication = freshAuthentication();
        // Fail before measuring if anything is off; this also loads the key set and caches the token.
        if (!(authenticate() instanceof BearerAuthentication.Authorized)) {
            throw new IllegalStateException("the DPoP-bound token and its proof were refused");
        }
    }

    private BearerAuthentication freshAuthentication() {
        return new BearerAuthentication(verifier, DPoPProofVerifier.builder().maxAge(Duration.ofMinutes(10))
                .replayCacheSize(PROOFS + 1).build());
    }

    private static String sign(ECDSASigner signer, JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        verifier.close();
        bench.close();
    }

    /** A cached DPoP-bound token and a new proof: what an API does per request. */
    @Benchmark
    public BearerAuthentication.Outcome verifyCachedBoundTokenWithNewProof() {
        return authenticate();
    }

    private BearerAuthentication.Outcome authenticate() {
        if (next == PROOFS) {
            next = 0;
            authentication = freshAuthentication(); // the proofs' jtis are spent: forget them
        }
        return authentication.authenticate(BearerAuthentication.Request.of(authorization, List.of(proofs[next++]), "GET",
                TARGET), required).join();
    }
}

package dev.keycard.benchmarks;

import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.VerifiedToken;
import dev.keycard.server.token.TokenEndpoint;
import dev.keycard.server.token.TokenHttpRequest;
import java.io.IOException;
import java.util.List;
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
 * keycard-resource's {@link AccessTokenVerifier} on Keycard's own tokens, single thread: the
 * verifier found the server's keys through discovery in setup, so nothing here touches the
 * network. Issue 3's targets with AWS-LC: a cached token ≤ 2 µs, a new RS256 token ≤ 40 µs, a new
 * ES256 token ≤ 100 µs.
 *
 * <p>"New" is measured with the verified-token cache off, so each call does the whole work:
 * parse, header rules, key lookup, signature, claims. AWS-LC is registered by the server this
 * benchmark starts ({@code cryptoProvider=auto}); with {@code jdk} the JDK's providers verify.
 *
 * <p>Run: {@code java -jar keycard-benchmarks/target/benchmarks.jar Verify -p cryptoProvider=auto,jdk}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class VerifyBenchmark {

    @Param({"auto"})
    public String cryptoProvider = "auto";

    private BenchmarkServer bench;
    private AccessTokenVerifier cached;
    private AccessTokenVerifier uncachedRs256;
    private AccessTokenVerifier uncachedEs256;
    private String rs256Token;
    private String es256Token;

    @Setup(Level.Trial)
    public void start() throws Exception {
        bench = BenchmarkServer.start(cryptoProvider, List.of(IssuePathBenchmark.RS256, IssuePathBenchmark.ES256));
        TokenEndpoint endpoint = bench.server().tokenEndpoint();
        rs256Token = endpoint.handle(new TokenHttpRequest("POST", BenchmarkServer.FORM, bench.clientAuthorization(),
                BenchmarkServer.tokenRequestBody(IssuePathBenchmark.RS256), "127.0.0.1")).accessToken();
        es256Token = endpoint.handle(new TokenHttpRequest("POST", BenchmarkServer.FORM, bench.clientAuthorization(),
                BenchmarkServer.tokenRequestBody(IssuePathBenchmark.ES256), "127.0.0.1")).accessToken();
        String issuer = bench.server().issuer();
        cached = AccessTokenVerifier.builder().issuer(issuer).audiences(IssuePathBenchmark.RS256.identifier()).build();
        uncachedRs256 = AccessTokenVerifier.builder().issuer(issuer).audiences(IssuePathBenchmark.RS256.identifier())
                .verifiedTokenCacheSize(0).build();
        uncachedEs256 = AccessTokenVerifier.builder().issuer(issuer).audiences(IssuePathBenchmark.ES256.identifier())
                .verifiedTokenCacheSize(0).build();
        // Fail before measuring if anything is off; this also loads each verifier's key set.
        for (var check : List.of(cached.verify(rs256Token), uncachedRs256.verify(rs256Token), uncachedEs256.verify(es256Token))) {
            if (!check.scopes().toString().equals(BenchmarkServer.SCOPE)) {
                throw new IllegalStateException("unexpected token: " + check);
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        cached.close();
        uncachedRs256.close();
        uncachedEs256.close();
        bench.close();
    }

    /** A token this verifier has already verified: digest, cache lookup, expiry check. */
    @Benchmark
    public VerifiedToken verifyCached() {
        return cached.verify(rs256Token);
    }

    /** A new RS256 (RSA-2048) token, the whole verification. */
    @Benchmark
    public VerifiedToken verifyNewRs256() {
        return uncachedRs256.verify(rs256Token);
    }

    /** A new ES256 (P-256) token, the whole verification. */
    @Benchmark
    public VerifiedToken verifyNewEs256() {
        return uncachedEs256.verify(es256Token);
    }
}

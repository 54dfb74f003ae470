package dev.keycard.benchmarks;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.TokenResponse;
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
 * The token endpoint's work for one request, single thread, without HTTP: the CPU a token costs
 * Keycard beyond reading the request and writing the answer. The endpoint is the one a real server
 * uses, started in this JVM with its SQLite store, two APIs and a client made through the admin API
 * (see {@link BenchmarkServer}); every token it issues in setup is verified against the published
 * JWKS before anything is timed.
 *
 * <p>Compare with {@code shared/floor.md} (beside the repository: the project's 2-core machine,
 * Temurin JDK 25; read its numbers as orders of magnitude and measure side by side):
 * <ul>
 *   <li>{@link #issueRs256()}: "Whole Nimbus issue path", RS256 with JDK providers 1,190 µs; RS256
 *       sign with AWS-LC 686–720 µs (only with AWS-LC key objects).</li>
 *   <li>{@link #issueEs256()}: ES256 with JDK providers 226 µs; ES256 sign + serialize with AWS-LC
 *       27.5 µs. The floor's estimate for a whole ES256 token, HTTP included, is about 50 µs of
 *       server CPU, of which about 22 µs is the pipeline.</li>
 *   <li>{@link #formParse()}: part of that ~22 µs pipeline; no figure of its own.</li>
 *   <li>{@link #responseJson()}: "token response JSON, hand-built string" 0.3 µs (Jackson with a
 *       record 1.5 µs, with a Map 3.0 µs).</li>
 * </ul>
 * Two smaller steps inside the issue path have floor figures too: the SHA-256 secret check
 * 0.2–0.3 µs, the 16 random bytes of {@code jti} 0.25 µs.
 *
 * <p>Run: {@code java -jar keycard-benchmarks/target/benchmarks.jar IssuePath}; add
 * {@code -p cryptoProvider=auto,jdk} to compare the AWS-LC provider with the JDK's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class IssuePathBenchmark {

    static final BenchmarkServer.Api RS256 = new BenchmarkServer.Api("https://rs256.bench", "RS256");
    static final BenchmarkServer.Api ES256 = new BenchmarkServer.Api("https://es256.bench", "ES256");

    /**
     * The server's {@code crypto.provider}: {@code auto} (AWS-LC where its native library loads,
     * the default) or {@code jdk}. JMH runs each value in its own fork, so providers never mix.
     */
    @Param({"auto"})
    public String cryptoProvider = "auto";

    private BenchmarkServer bench;
    private TokenEndpoint endpoint;
    private String authorization;
    private byte[] rs256Body;
    private byte[] es256Body;
    private TokenResponse rs256Response;

    @Setup(Level.Trial)
    public void start() throws Exception {
        bench = BenchmarkServer.start(cryptoProvider, List.of(RS256, ES256));
        endpoint = bench.server().tokenEndpoint();
        authorization = bench.clientAuthorization();
        rs256Body = BenchmarkServer.tokenRequestBody(RS256);
        es256Body = BenchmarkServer.tokenRequestBody(ES256);
        rs256Response = issue(rs256Body);
        bench.verify(rs256Response.accessToken(), RS256);
        bench.verify(issue(es256Body).accessToken(), ES256);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        bench.close();
    }

    /**
     * A whole RS256 token request: parse the form, authenticate the client's Basic credentials,
     * decide (API by {@code resource}, granted scopes, lifetime), build and sign the JWT, write the
     * response JSON. Bounded by the RSA-2048 signature.
     */
    @Benchmark
    public String issueRs256() {
        return issue(rs256Body).toJson();
    }

    /** The same path as {@link #issueRs256()}, signing with ES256 (P-256). */
    @Benchmark
    public String issueEs256() {
        return issue(es256Body).toJson();
    }

    /** Decoding the token request body alone: {@code grant_type} and a percent-encoded {@code resource}. */
    @Benchmark
    public Form formParse() {
        return FormCodec.decode(rs256Body);
    }

    /** Writing the response JSON of a real RS256 token (about 0.8 KB) with one scope. */
    @Benchmark
    public String responseJson() {
        return rs256Response.toJson();
    }

    private TokenResponse issue(byte[] body) {
        return endpoint.handle(new TokenHttpRequest("POST", BenchmarkServer.FORM, authorization, body, "127.0.0.1"));
    }
}

package dev.keycard.benchmarks;

import dev.keycard.client.AccessToken;
import dev.keycard.client.ClientCredentialsTokenSource;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * keycard-client's cached-token path: what a calling service pays per outgoing call once it holds
 * a fresh token (issue 3's target: ≤ 1 µs). The token comes from a real Keycard through discovery
 * in setup; the measured calls make no request.
 *
 * <p>Run: {@code java -jar keycard-benchmarks/target/benchmarks.jar Client}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class ClientBenchmark {

    private BenchmarkServer bench;
    private ClientCredentialsTokenSource tokens;

    @Setup(Level.Trial)
    public void start() throws Exception {
        bench = BenchmarkServer.start("auto", List.of(IssuePathBenchmark.ES256));
        tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(bench.server().issuer()))
                .clientId(BenchmarkServer.CLIENT_ID).clientSecret(bench.clientSecret())
                .resource(IssuePathBenchmark.ES256.identifier()).build();
        AccessToken first = tokens.token();
        if (!first.scopes().contains(BenchmarkServer.SCOPE)) {
            throw new IllegalStateException("unexpected token scopes " + first.scopes());
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        bench.close();
    }

    /** A fresh token from the cache: a map lookup, a volatile read and a clock comparison. */
    @Benchmark
    public AccessToken cachedToken() {
        return tokens.token();
    }
}

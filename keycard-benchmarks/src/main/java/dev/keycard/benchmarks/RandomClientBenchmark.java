package dev.keycard.benchmarks;

import dev.keycard.protocol.TokenResponse;
import dev.keycard.server.token.TokenEndpoint;
import dev.keycard.server.token.TokenHttpRequest;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What a client picked at random from a large registry costs the token endpoint against the one
 * client of an empty registry: the ES256 issue path of {@link IssuePathBenchmark}, single thread,
 * without HTTP, each invocation authenticating as the next client of a random sequence. With
 * {@code clients=1} every entry of the sequence is the one client; with more, the clients are
 * made through the admin API in setup (8 at a time; about 30 s per 100,000) and each entry is
 * one of them. Both sides do the same work to pick the header, so the difference is what the
 * server's per-client state costs when it is not in the CPU's caches (issue 11's random-client
 * target, which {@code random-client.sh} measures over HTTP).
 *
 * <p>Run: {@code java -jar keycard-benchmarks/target/benchmarks.jar RandomClient -p clients=1,100000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmn48m", "-Xmx512m"})
@Warmup(iterations = 4, time = 3, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
public class RandomClientBenchmark {

    private static final int SEQUENCE = 1 << 20;

    /** How many clients the registry holds besides the benchmark's own; 1: that client alone. */
    @Param({"1", "100000"})
    public int clients = 1;

    private BenchmarkServer bench;
    private TokenEndpoint endpoint;
    private byte[] body;
    private String[] headers;
    private int[] sequence;
    private int next;

    @Setup
    public void start() throws Exception {
        bench = BenchmarkServer.start("auto", List.of(IssuePathBenchmark.ES256));
        endpoint = bench.server().tokenEndpoint();
        body = BenchmarkServer.tokenRequestBody(IssuePathBenchmark.ES256);
        List<String> made = clients == 1
                ? List.of(bench.clientAuthorization())
                : bench.addClients(clients, IssuePathBenchmark.ES256, 8);
        headers = made.toArray(String[]::new);
        SplittableRandom random = new SplittableRandom(11);
        sequence = new int[SEQUENCE];
        for (int i = 0; i < SEQUENCE; i++) {
            sequence[i] = random.nextInt(headers.length);
        }
        for (String h : List.of(headers[0], headers[headers.length - 1])) {
            bench.verify(issue(h).accessToken(), IssuePathBenchmark.ES256);
        }
    }

    @TearDown
    public void stop() throws IOException {
        bench.close();
    }

    /** One ES256 token for the next client of the sequence. */
    @Benchmark
    public String issueEs256() {
        String header = headers[sequence[next++ & (SEQUENCE - 1)]];
        return issue(header).toJson();
    }

    private TokenResponse issue(String authorization) {
        return endpoint.handle(new TokenHttpRequest("POST", BenchmarkServer.FORM, authorization, body, "127.0.0.1"));
    }
}

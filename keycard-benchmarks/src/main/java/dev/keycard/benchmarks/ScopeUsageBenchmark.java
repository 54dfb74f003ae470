package dev.keycard.benchmarks;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.client.ScopeUsage;
import dev.keycard.server.registry.Client;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the console's scope counting adds to each token (issue 14): {@link ScopeUsage#used} for a
 * client issued two scopes, as the token endpoint calls it after signing, against 10,000 clients
 * in use. Compare with a whole token's ~60 µs of server CPU (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScopeUsageBenchmark {

    private final ScopeUsage usage = new ScopeUsage();
    private final ScopeSet scopes = ScopeSet.of("jobs:read", "jobs:write");
    private final Client[] clients = new Client[10_000];
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Client(new ClientId("client-" + i), "client-" + i, true,
                    Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC), Set.of(GrantType.CLIENT_CREDENTIALS), Optional.empty(),
                    Map.of("https://jobs.internal", scopes), List.of(), Instant.EPOCH, Instant.EPOCH);
            usage.used(clients[i], "https://jobs.internal", scopes, Instant.now());
        }
    }

    @Benchmark
    public void noteATokensScopes() {
        next = (next + 1) % clients.length;
        usage.used(clients[next], "https://jobs.internal", scopes, Instant.now());
    }
}

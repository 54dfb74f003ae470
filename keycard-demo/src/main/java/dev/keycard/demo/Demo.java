package dev.keycard.demo;

import dev.keycard.client.BearerHttpClient;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.client.TokenRequestException;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The whole story in one process: Keycard on a temporary store, the jobs API and both clients
 * registered through the admin API, Service B (jobs-api) protected by keycard-resource, Service A
 * (batch-worker) running its cycles with keycard-client, and a client holding only reports:read
 * refused where it needs jobs:write. Every call is told as it happens; the result says whether
 * every expected outcome happened.
 */
final class Demo {

    /** Held here: java.util.logging forgets the handlers of a logger nobody references. */
    private static final java.util.List<Logger> LOGGERS =
            java.util.List.of(Logger.getLogger("dev.keycard.resource"), Logger.getLogger("dev.keycard.client"));

    private final int cycles;
    private final Duration interval;
    private final Account account;
    private final Clock clock = Clock.systemUTC();

    Demo(int cycles, Duration interval, PrintStream out) {
        this.cycles = cycles;
        this.interval = interval;
        this.account = new Account(out);
    }

    /** Runs the demo; true when every expected outcome happened. */
    boolean run() throws Exception {
        Path dir = Files.createTempDirectory("keycard-demo-");
        Handler log = logsToAccount();
        try (KeycardServer keycard = KeycardServer.start(ServerConfig.of(Map.of(
                "http.host", "127.0.0.1", "http.port", "0", "data.dir", dir.toString())))) {
            account.heading("Keycard");
            account.line("keycard", "issuer " + keycard.issuer() + ", temporary store " + dir);
            Registration registration = new Registration(keycard, account);
            Registration.Clients clients = registration.register();
            LocalCluster cluster = new LocalCluster();
            registration.federate(cluster);

            try (AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(keycard.issuer())
                    .audiences(JobsApi.IDENTIFIER).build();
                 JobsApi jobsApi = new JobsApi(verifier)) {
                verifier.preload().join();
                account.line("jobs-api", "Service B on " + jobsApi.baseUri() + ", tokens verified by keycard-resource");
                workerCycles(keycard, jobsApi, clients.batchWorkerSecret());
                new ReportGenerator(keycard.issuer(), jobsApi.baseUri(), clients.reportGeneratorSecret(), account).run();
                keyWorker(keycard, jobsApi, clients.keyWorkerKey());
                podWorker(keycard, jobsApi, cluster, dir);
                dpopWorker(keycard, jobsApi, clients.batchWorkerSecret());
            }
        } finally {
            for (Logger logger : LOGGERS) {
                logger.removeHandler(log);
                logger.setUseParentHandlers(true);
            }
            deleteTree(dir);
        }
        return account.summarize();
    }

    private void workerCycles(KeycardServer keycard, JobsApi jobsApi, String secret) throws InterruptedException {
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientId("batch-worker").clientSecret(secret).scopes("jobs:read", "jobs:write")
                .resource(JobsApi.IDENTIFIER).build();
        BatchWorker worker = new BatchWorker(jobsApi.baseUri(), tokens, account, clock);
        account.line("batch-worker", "Service A, every " + interval.toSeconds() + " s, tokens from keycard-client");
        CountDownLatch done = new CountDownLatch(cycles);
        AtomicInteger cycle = new AtomicInteger();
        java.util.Set<String> tokensUsed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        String[][] work = {{"resize images", "send invoices"}, {"rebuild search index"}, {"rotate logs", "export orders"}};
        try (ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor()) {
            scheduler.scheduleWithFixedDelay(() -> {
                int n = cycle.incrementAndGet();
                if (n > cycles) {
                    return;
                }
                try {
                    for (String name : work[(n - 1) % work.length]) {
                        jobsApi.add(name);
                    }
                    account.heading("Cycle " + n + " of " + cycles);
                    BatchWorker.Cycle result = worker.runCycle();
                    tokensUsed.add(Integer.toHexString(tokens.token().value().hashCode()));
                    account.expect("cycle " + n + ": batch-worker listed and completed every pending job",
                            result.listStatus() == 200 && result.pending() > 0 && result.completed() == result.pending(),
                            result.toString());
                } catch (Exception e) {
                    account.expect("cycle " + n + " ran", false, e.toString());
                } finally {
                    done.countDown();
                }
            }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            if (!done.await(cycles * interval.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
                account.expect("every cycle ran", false, cycles - done.getCount() + " of " + cycles);
            }
            scheduler.shutdownNow();
        }
        account.expect("batch-worker used one cached token for all " + cycles + " cycles", tokensUsed.size() == 1,
                tokensUsed.size() + " tokens");
    }

    /**
     * key-worker has no secret at all: keycard-client signs a fresh assertion with its private key
     * for each token request (private_key_jwt), and the jobs API sees an ordinary token.
     */
    private void keyWorker(KeycardServer keycard, JobsApi jobsApi, java.security.PrivateKey key) throws Exception {
        account.heading("key-worker: no secret, a private key");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientId("key-worker").privateKeyJwt(key, Registration.KEY_WORKER_KID).scopes("jobs:read")
                .resource(JobsApi.IDENTIFIER).build();
        java.net.http.HttpResponse<String> list = bearer(tokens).send(java.net.http.HttpRequest.newBuilder(
                jobsApi.baseUri().resolve("/jobs")).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        account.line("key-worker", "token by private_key_jwt; GET  /jobs -> " + list.statusCode());
        account.expect("key-worker, authenticated by its private key alone, listed the jobs", list.statusCode() == 200,
                String.valueOf(list.statusCode()));
    }

    /**
     * pod-worker runs in a (local stand-in for a) Kubernetes pod: the kubelet projects its
     * service-account token into a file, keycard-client sends the file's token as the client
     * assertion, and Keycard maps the cluster's issuer and the service account to the client.
     */
    private void podWorker(KeycardServer keycard, JobsApi jobsApi, LocalCluster cluster, Path dir) throws Exception {
        account.heading("pod-worker: no secret, no key, its Kubernetes service account");
        Path token = dir.resolve("serviceaccount-token");
        cluster.project(token, "jobs", "pod-worker");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientAssertionFile(token).scopes("jobs:read").resource(JobsApi.IDENTIFIER).build();
        java.net.http.HttpResponse<String> list = bearer(tokens).send(java.net.http.HttpRequest.newBuilder(
                jobsApi.baseUri().resolve("/jobs")).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        account.line("pod-worker", "token by its service-account token (federated); GET  /jobs -> " + list.statusCode());
        account.expect("pod-worker, authenticated by its platform's token alone, listed the jobs",
                list.statusCode() == 200, String.valueOf(list.statusCode()));
    }

    /**
     * batch-worker again, with DPoP-bound tokens (RFC 9449): one builder call more, the same calls
     * to jobs-api. Then someone without the worker's key, holding a copy of its token (from a log, a
     * proxy, a heap dump), tries it: as a bearer token, and with a proof signed by a key of their own.
     */
    private void dpopWorker(KeycardServer keycard, JobsApi jobsApi, String secret) throws Exception {
        account.heading("batch-worker with DPoP: a token bound to a key only the worker holds");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientId("batch-worker").clientSecret(secret).scopes("jobs:read").resource(JobsApi.IDENTIFIER)
                .dpop().build();
        URI jobs = jobsApi.baseUri().resolve("/jobs");
        HttpResponse<String> list = bearer(tokens).send(HttpRequest.newBuilder(jobs).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String token = tokens.token().value();
        account.line("batch-worker", "token_type " + tokens.token().tokenType() + "; GET  /jobs -> " + list.statusCode()
                + " (Authorization: DPoP, a proof per call)");
        account.expect("batch-worker, with a DPoP-bound token and its proofs, listed the jobs", list.statusCode() == 200,
                String.valueOf(list.statusCode()));

        HttpClient elsewhere = HttpClient.newHttpClient(); // no key: only the copied token
        HttpResponse<String> asBearer = get(elsewhere, jobs, "Authorization", "Bearer " + token);
        account.line("copied token", "as Bearer -> " + asBearer.statusCode() + ", WWW-Authenticate: "
                + asBearer.headers().firstValue("WWW-Authenticate").orElse("").replaceAll(", error_description=.*", ", …"));
        account.expect("the copied token, sent as a bearer token, was refused", asBearer.statusCode() == 401,
                String.valueOf(asBearer.statusCode()));
        com.nimbusds.jose.jwk.ECKey own = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .generate();
        com.nimbusds.jwt.SignedJWT proof = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
                com.nimbusds.jose.JWSAlgorithm.ES256).type(new com.nimbusds.jose.JOSEObjectType("dpop+jwt"))
                .jwk(own.toPublicJWK()).build(), new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .jwtID(java.util.UUID.randomUUID().toString()).claim("htm", "GET").claim("htu", jobs.toString())
                .claim("ath", dev.keycard.resource.DPoPProofVerifier.tokenHash(token)).issueTime(new java.util.Date()).build());
        proof.sign(new com.nimbusds.jose.crypto.ECDSASigner(own));
        HttpResponse<String> ownProof = get(elsewhere, jobs, "Authorization", "DPoP " + token, "DPoP", proof.serialize());
        account.line("copied token", "with a proof by another key -> " + ownProof.statusCode());
        account.expect("the copied token, with a proof signed by another key, was refused", ownProof.statusCode() == 401,
                String.valueOf(ownProof.statusCode()));
    }

    /**
     * The libraries' own log lines, told in the account: the detail an API keeps to itself when it
     * refuses a token, and the client's report of a refused token request.
     */
    private Handler logsToAccount() {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String who = record.getLoggerName().startsWith("dev.keycard.resource") ? "jobs-api log" : "client log";
                account.line(who, new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        for (Logger logger : LOGGERS) {
            logger.setUseParentHandlers(false);
            logger.addHandler(handler);
        }
        return handler;
    }

    static HttpResponse<String> get(HttpClient http, URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).GET();
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Whether a token request was refused with this OAuth error. */
    static boolean refusedWith(Exception e, String error) {
        return e instanceof TokenRequestException t && error.equals(t.error());
    }

    static BearerHttpClient bearer(ClientCredentialsTokenSource tokens) {
        return new BearerHttpClient(HttpClient.newHttpClient(), tokens);
    }
}

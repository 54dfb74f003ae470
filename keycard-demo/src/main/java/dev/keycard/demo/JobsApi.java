package dev.keycard.demo;

import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.DPoPProofVerifier;
import dev.keycard.resource.VerifiedToken;
import dev.keycard.resource.vertx.BearerTokenHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Service B, "jobs-api": a small jobs service whose every route is protected by keycard-resource.
 * <ul>
 *   <li>{@code GET /jobs} (jobs:read): the pending jobs</li>
 *   <li>{@code POST /jobs/{id}/complete} (jobs:write): marks a job done</li>
 *   <li>{@code GET /reports} (reports:read): how many jobs are pending and done</li>
 * </ul>
 */
final class JobsApi implements AutoCloseable {

    static final String IDENTIFIER = "https://jobs.internal";
    private static final Pattern COMPLETE = Pattern.compile("/jobs/(\\d+)/complete");

    private record Job(int id, String name, boolean done) {
        JsonObject json() {
            return new JsonObject().put("id", id).put("name", name).put("status", done ? "completed" : "pending");
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final Map<Integer, Job> jobs = new ConcurrentSkipListMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final HttpServer server;
    private final String scheme;

    JobsApi(AccessTokenVerifier verifier) {
        this(BearerTokenHandler.create(verifier), new HttpServerOptions());
    }

    /** With DPoP proofs checked by {@code proofs} (e.g. with the API's own nonces, RFC 9449 §9). */
    JobsApi(AccessTokenVerifier verifier, DPoPProofVerifier proofs) {
        this(BearerTokenHandler.create(verifier, proofs), new HttpServerOptions());
    }

    /**
     * Over TLS with this certificate and key (PEM), asking each client for its certificate, so that
     * a certificate-bound token (RFC 8705 §3) is accepted only with the certificate it is bound to.
     * The handshake takes any client certificate: the binding, not the issuer, is what counts here.
     */
    JobsApi(AccessTokenVerifier verifier, java.nio.file.Path certFile, java.nio.file.Path keyFile) {
        this(BearerTokenHandler.create(verifier), new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(certFile.toString())
                        .setKeyPath(keyFile.toString()))
                .setClientAuth(io.vertx.core.http.ClientAuth.REQUEST)
                .setTrustOptions(io.vertx.core.net.TrustOptions.wrap(new AnyClientCertificate())));
    }

    private JobsApi(BearerTokenHandler bearer, HttpServerOptions options) {
        Handler<HttpServerRequest> list = bearer.requireScopes(List.of("jobs:read"), this::list);
        Handler<HttpServerRequest> complete = bearer.requireScopes(List.of("jobs:write"), this::complete);
        Handler<HttpServerRequest> reports = bearer.requireScopes(List.of("reports:read"), this::reports);
        Handler<HttpServerRequest> handler = (req -> {
            String path = req.path();
            if (req.method() == HttpMethod.GET && path.equals("/jobs")) {
                list.handle(req);
            } else if (req.method() == HttpMethod.POST && COMPLETE.matcher(path).matches()) {
                complete.handle(req);
            } else if (req.method() == HttpMethod.GET && path.equals("/reports")) {
                reports.handle(req);
            } else {
                req.response().setStatusCode(404).putHeader("Content-Type", "application/json").end("{\"error\":\"not_found\"}");
            }
        });
        server = vertx.createHttpServer(options).requestHandler(handler).listen(0, "127.0.0.1").await();
        scheme = options.isSsl() ? "https" : "http";
    }

    URI baseUri() {
        return URI.create(scheme + "://127.0.0.1:" + server.actualPort());
    }

    /** Takes any client certificate chain in the handshake. */
    private static final class AnyClientCertificate implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client certificates only");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    /** Adds a pending job, as the service's producers would. */
    int add(String name) {
        int id = ids.incrementAndGet();
        jobs.put(id, new Job(id, name, false));
        return id;
    }

    private void list(HttpServerRequest req, VerifiedToken token) {
        JsonArray pending = new JsonArray();
        jobs.values().stream().filter(j -> !j.done()).forEach(j -> pending.add(j.json()));
        json(req, 200, new JsonObject().put("jobs", pending));
    }

    private void complete(HttpServerRequest req, VerifiedToken token) {
        Matcher m = COMPLETE.matcher(req.path());
        if (!m.matches()) {
            json(req, 404, new JsonObject().put("error", "not_found"));
            return;
        }
        int id = Integer.parseInt(m.group(1));
        Job job = jobs.get(id);
        if (job == null) {
            json(req, 404, new JsonObject().put("error", "not_found"));
        } else if (job.done()) {
            json(req, 409, new JsonObject().put("error", "already_completed"));
        } else {
            Job done = new Job(id, job.name(), true);
            jobs.put(id, done);
            json(req, 200, done.json().put("completed_by", token.clientId()));
        }
    }

    private void reports(HttpServerRequest req, VerifiedToken token) {
        long done = jobs.values().stream().filter(Job::done).count();
        json(req, 200, new JsonObject().put("pending", jobs.size() - done).put("completed", done));
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}

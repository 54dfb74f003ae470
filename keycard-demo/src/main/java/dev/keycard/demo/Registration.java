package dev.keycard.demo;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.server.KeycardServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

/**
 * Registers the jobs API and the three clients through Keycard's admin API, as an operator's script
 * would: with a token Keycard issues to its own admin client, obtained by keycard-client.
 */
final class Registration {

    /**
     * The secrets Keycard generated for two clients, shown once, and the private key of the third,
     * which has no secret: it authenticates with private_key_jwt (RFC 7523).
     */
    record Clients(String batchWorkerSecret, String reportGeneratorSecret, PrivateKey keyWorkerKey) {
    }

    /** The kid under which key-worker's public key is registered. */
    static final String KEY_WORKER_KID = "key-worker-1";

    private final KeycardServer keycard;
    private final Account account;
    private final HttpClient admin;

    Registration(KeycardServer keycard, Account account) {
        this.keycard = keycard;
        this.account = account;
        String adminSecret = keycard.createdAdmin().flatMap(c -> c.generatedSecret())
                .orElseThrow(() -> new IllegalStateException("Keycard did not create its admin client"));
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder()
                .issuer(URI.create(keycard.issuer())).clientId("keycard-admin").clientSecret(adminSecret)
                .resource("urn:keycard:admin").scopes("keycard:admin").build();
        this.admin = Demo.bearer(tokens);
    }

    /**
     * pod-worker has neither a secret nor a key: Keycard trusts the cluster's service-account
     * tokens (keys given as a file, as for a private cluster), and its service account is mapped
     * to the client (workload identity federation).
     */
    void federate(LocalCluster cluster) throws IOException, InterruptedException {
        post("/admin/v1/trust-sources", new JsonObject().put("kind", "kubernetes").put("name", "local-cluster")
                .put("issuer", LocalCluster.ISSUER).put("jwks", new JsonObject(cluster.jwks()))
                .put("audience", LocalCluster.AUDIENCE));
        account.line("admin API", "trust source local-cluster: tokens of " + LocalCluster.ISSUER + " for audience "
                + LocalCluster.AUDIENCE);
        post("/admin/v1/clients", new JsonObject().put("client_id", "pod-worker").put("name", "Pod worker")
                .put("auth_methods", List.of())
                .put("grants", List.of(new JsonObject().put("api", JobsApi.IDENTIFIER).put("scopes", List.of("jobs:read")))));
        post("/admin/v1/clients/pod-worker/federated-identities", new JsonObject().put("trust_source", "local-cluster")
                .put("subject", "system:serviceaccount:jobs:pod-worker"));
        account.line("admin API", "client pod-worker granted jobs:read, no secret, no key: it is service account"
                + " jobs/pod-worker of local-cluster");
    }

    Clients register() throws IOException, InterruptedException {
        post("/admin/v1/apis", new JsonObject().put("identifier", JobsApi.IDENTIFIER).put("name", "Jobs API")
                .put("scopes", List.of("jobs:read", "jobs:write", "reports:read")));
        account.line("admin API", "API " + JobsApi.IDENTIFIER + " with scopes jobs:read jobs:write reports:read");
        String worker = client("batch-worker", "Batch worker", "jobs:read", "jobs:write");
        String reports = client("report-generator", "Report generator", "reports:read");
        return new Clients(worker, reports, keyedClient("key-worker", "Key worker", "jobs:read"));
    }

    /** A client registered with the public half of a P-256 key made here; the private half never leaves the demo. */
    private PrivateKey keyedClient(String id, String name, String... scopes) throws IOException, InterruptedException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 key pair", e);
        }
        JsonObject jwk = new JsonObject(new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
                .keyID(KEY_WORKER_KID).build().toPublicJWK().toJSONString());
        post("/admin/v1/clients", new JsonObject().put("client_id", id).put("name", name)
                .put("jwks", new JsonObject().put("keys", List.of(jwk)))
                .put("grants", List.of(new JsonObject().put("api", JobsApi.IDENTIFIER).put("scopes", List.of(scopes)))));
        account.line("admin API", "client " + id + " granted " + String.join(" ", scopes) + ", registered with its public"
                + " key " + KEY_WORKER_KID + " (private_key_jwt, no secret)");
        return pair.getPrivate();
    }

    private String client(String id, String name, String... scopes) throws IOException, InterruptedException {
        JsonObject created = post("/admin/v1/clients", new JsonObject().put("client_id", id).put("name", name)
                .put("grants", List.of(new JsonObject().put("api", JobsApi.IDENTIFIER).put("scopes", List.of(scopes)))));
        account.line("admin API", "client " + id + " granted " + String.join(" ", scopes) + " (secret shown once, kept in memory)");
        return created.getString("client_secret");
    }

    private JsonObject post(String path, JsonObject body) throws IOException, InterruptedException {
        HttpResponse<String> r = admin.send(HttpRequest.newBuilder(URI.create(keycard.issuer() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("admin API " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body());
    }
}

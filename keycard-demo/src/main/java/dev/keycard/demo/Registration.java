package dev.keycard.demo;

import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.server.KeycardServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Registers the jobs API and the two clients through Keycard's admin API, as an operator's script
 * would: with a token Keycard issues to its own admin client, obtained by keycard-client.
 */
final class Registration {

    /** The secrets Keycard generated for the two clients, shown once. */
    record Clients(String batchWorkerSecret, String reportGeneratorSecret) {
    }

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

    Clients register() throws IOException, InterruptedException {
        post("/admin/v1/apis", new JsonObject().put("identifier", JobsApi.IDENTIFIER).put("name", "Jobs API")
                .put("scopes", List.of("jobs:read", "jobs:write", "reports:read")));
        account.line("admin API", "API " + JobsApi.IDENTIFIER + " with scopes jobs:read jobs:write reports:read");
        String worker = client("batch-worker", "Batch worker", "jobs:read", "jobs:write");
        String reports = client("report-generator", "Report generator", "reports:read");
        return new Clients(worker, reports);
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

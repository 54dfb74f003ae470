package dev.keycard.demo;

import dev.keycard.client.AccessToken;
import dev.keycard.client.BearerHttpClient;
import dev.keycard.client.ClientCredentialsTokenSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * Service A, "batch-worker": every interval it takes the pending jobs from the jobs API and
 * completes them. It never handles a token itself: keycard-client gets, caches and refreshes it,
 * and {@link BearerHttpClient} puts it on each call.
 */
final class BatchWorker {

    /** What one cycle did. */
    record Cycle(int listStatus, int pending, int completed, int failed) {
    }

    private final URI jobsApi;
    private final ClientCredentialsTokenSource tokens;
    private final HttpClient http;
    private final Account account;
    private final Clock clock;

    BatchWorker(URI jobsApi, ClientCredentialsTokenSource tokens, Account account, Clock clock) {
        this.jobsApi = jobsApi;
        this.tokens = tokens;
        this.http = new BearerHttpClient(HttpClient.newHttpClient(), tokens);
        this.account = account;
        this.clock = clock;
    }

    /** One pass: list the pending jobs, complete each. */
    Cycle runCycle() throws IOException, InterruptedException {
        AccessToken token = tokens.token();
        account.line("batch-worker", "token with scope \"" + String.join(" ", token.scopes()) + "\", expires in "
                + Duration.between(clock.instant(), token.expiresAt()).toSeconds() + " s");
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(jobsApi.resolve("/jobs")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (list.statusCode() != 200) {
            account.line("batch-worker", "GET  /jobs -> " + list.statusCode() + " " + list.body());
            return new Cycle(list.statusCode(), 0, 0, 0);
        }
        JsonArray pending = new JsonObject(list.body()).getJsonArray("jobs");
        account.line("batch-worker", "GET  /jobs -> 200, " + pending.size() + " pending");
        int completed = 0;
        int failed = 0;
        for (int i = 0; i < pending.size(); i++) {
            JsonObject job = pending.getJsonObject(i);
            String path = "/jobs/" + job.getInteger("id") + "/complete";
            HttpResponse<String> done = http.send(HttpRequest.newBuilder(jobsApi.resolve(path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            account.line("batch-worker", String.format("POST %-18s -> %d %s", path, done.statusCode(),
                    done.statusCode() == 200 ? "\"" + job.getString("name") + "\" completed" : done.body()));
            if (done.statusCode() == 200) {
                completed++;
            } else {
                failed++;
            }
        }
        return new Cycle(200, pending.size(), completed, failed);
    }
}

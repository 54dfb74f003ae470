package dev.keycard.demo;

import dev.keycard.client.AccessToken;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.client.TokenRequestException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * "report-generator": a client granted only reports:read. It reads the report, is refused when it
 * tries to complete a job (403 insufficient_scope), and cannot even get a jobs:write token from
 * Keycard (invalid_scope: rejected, never narrowed). Then a call without a token and one with a
 * forged token show the API's 401s.
 */
final class ReportGenerator {

    private final String issuer;
    private final URI jobsApi;
    private final String secret;
    private final Account account;

    ReportGenerator(String issuer, URI jobsApi, String secret, Account account) {
        this.issuer = issuer;
        this.jobsApi = jobsApi;
        this.secret = secret;
        this.account = account;
    }

    void run() throws IOException, InterruptedException {
        account.heading("report-generator (granted reports:read only)");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(issuer))
                .clientId("report-generator").clientSecret(secret).resource(JobsApi.IDENTIFIER).build();
        AccessToken token = tokens.token();
        account.line("report-generator", "token with scope \"" + String.join(" ", token.scopes()) + "\"");
        HttpClient http = Demo.bearer(tokens);

        HttpResponse<String> report = Demo.get(http, jobsApi.resolve("/reports"));
        account.line("report-generator", "GET  /reports -> " + report.statusCode() + " " + report.body());
        account.expect("report-generator read the report (200)", report.statusCode() == 200
                && new JsonObject(report.body()).getInteger("completed", 0) > 0, report.statusCode() + " " + report.body());

        HttpResponse<String> complete = http.send(HttpRequest.newBuilder(jobsApi.resolve("/jobs/1/complete"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String challenge = complete.headers().firstValue("WWW-Authenticate").orElse("");
        account.line("report-generator", "POST /jobs/1/complete -> " + complete.statusCode() + ", WWW-Authenticate: " + challenge);
        account.expect("report-generator refused jobs:write with 403 insufficient_scope",
                complete.statusCode() == 403 && challenge.contains("error=\"insufficient_scope\"")
                        && challenge.contains("scope=\"jobs:write\""), complete.statusCode() + " " + challenge);

        try {
            tokens.token(List.of("jobs:write"), JobsApi.IDENTIFIER);
            account.expect("Keycard refuses report-generator a jobs:write token", false, "a token was issued");
        } catch (TokenRequestException e) {
            account.line("report-generator", "asks Keycard for jobs:write -> " + e.statusCode() + " " + e.error()
                    + " (" + e.errorDescription() + ")");
            account.expect("Keycard refuses report-generator a jobs:write token (invalid_scope)",
                    "invalid_scope".equals(e.error()), String.valueOf(e.error()));
        }

        account.heading("Callers without a valid token");
        HttpClient plain = HttpClient.newHttpClient();
        HttpResponse<String> none = Demo.get(plain, jobsApi.resolve("/jobs"));
        account.line("(no token)", "GET  /jobs -> " + none.statusCode() + ", WWW-Authenticate: "
                + none.headers().firstValue("WWW-Authenticate").orElse(""));
        account.expect("a call without a token gets 401 with a Bearer challenge", none.statusCode() == 401
                && none.headers().firstValue("WWW-Authenticate").orElse("").equals("Bearer"), String.valueOf(none.statusCode()));

        String[] parts = token.value().split("\\.");
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("reports:read", "jobs:read").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> forged = Demo.get(plain, jobsApi.resolve("/jobs"),
                "Authorization", "Bearer " + parts[0] + "." + forgedPayload + "." + parts[2]);
        account.line("(forged token)", "GET  /jobs with report-generator's token, scope edited to jobs:read -> "
                + forged.statusCode() + ", WWW-Authenticate: " + forged.headers().firstValue("WWW-Authenticate").orElse(""));
        account.expect("a tampered token gets 401 invalid_token", forged.statusCode() == 401
                && forged.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"),
                String.valueOf(forged.statusCode()));
    }
}

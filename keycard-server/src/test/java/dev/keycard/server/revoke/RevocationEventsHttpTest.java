package dev.keycard.server.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /oauth2/revocation-events}: who may subscribe, and what a subscriber gets first and on resume. */
class RevocationEventsHttpTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    private static HttpRequest.Builder events(TestServer server) {
        return HttpRequest.newBuilder(server.baseUri().resolve("/oauth2/revocation-events")).GET();
    }

    /** The lines of the stream up to and including the {@code count}-th blank line. */
    private static List<String> firstFrames(HttpResponse<Stream<String>> r, int count) {
        List<String> lines = new ArrayList<>();
        try (Stream<String> body = r.body()) {
            Iterator<String> it = body.iterator();
            int blanks = 0;
            while (blanks < count && it.hasNext()) {
                String line = it.next();
                lines.add(line);
                blanks += line.isEmpty() ? 1 : 0;
            }
        }
        return lines;
    }

    @Test
    void subscribeWhenCallerMayIntrospectThenResetAndEveryRevocationInForce() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of(), clock); HttpClient client = HttpClient.newHttpClient()) {
            Http http = new Http(server.baseUri());
            String secret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect").getString("client_secret");
            server.server().revocations().revoke("jti-1", "jobs-api", clock.instant().plusSeconds(600));

            HttpResponse<Stream<String>> r = client.send(events(server).header("Authorization", Http.basic("jobs-api", secret))
                    .build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, r.statusCode());
            assertEquals("text/event-stream;charset=UTF-8", r.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
            List<String> lines = firstFrames(r, 4);
            assertEquals(List.of("retry: 1000", "", "event: reset", "data: {}", ""), lines.subList(0, 5));
            assertTrue(lines.get(5).startsWith("id: "), lines.toString());
            assertEquals("event: token_revoked", lines.get(6));
            assertTrue(lines.get(7).startsWith("data: {\"jti\":\"jti-1\",\"client_id\":\"jobs-api\",\"exp\":"), lines.get(7));
            assertEquals(List.of("event: ready", "data: {}", ""), lines.subList(9, 12), "the full list ends with ready");
        }
    }

    @Test
    void subscribeWhenNotAuthenticatedOrNotAllowedThenRefused() throws Exception {
        try (TestServer server = TestServer.start(dir); HttpClient client = HttpClient.newHttpClient()) {
            Http http = new Http(server.baseUri());
            http.createApi("https://jobs.internal", "RS256", "jobs:read");
            String secret = http.createClient("batch-worker", "https://jobs.internal", "jobs:read").getString("client_secret");
            HttpResponse<String> none = client.send(events(server).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic"));
            HttpResponse<String> weak = client.send(events(server).header("Authorization", Http.basic("batch-worker", secret))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, weak.statusCode());
            assertTrue(weak.body().contains("keycard:introspect"), weak.body());
            HttpResponse<String> post = client.send(events(server).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void openingWhenResumingThenOnlyRecentEventsAndAfterALongGapAReset() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of(), clock)) {
            Revocations revocations = server.server().revocations();
            revocations.revoke("old", "c", clock.instant().plus(Duration.ofHours(1)));
            Instant oldAt = clock.instant();
            clock.advance(Duration.ofMinutes(10));
            revocations.revoke("new", "c", clock.instant().plus(Duration.ofHours(1)));
            long newId = clock.instant().toEpochMilli();
            RevocationStream stream = new RevocationStream(revocations, clock, Duration.ofHours(1));

            String resumed = stream.opening(Optional.of(String.valueOf(newId)));
            assertFalse(resumed.contains("event: reset") || resumed.contains("event: ready"));
            assertTrue(resumed.contains("\"jti\":\"new\""));
            assertFalse(resumed.contains("\"jti\":\"old\""), "older than the id and its margin: already had");

            String gap = stream.opening(Optional.of(String.valueOf(oldAt.minus(Duration.ofHours(2)).toEpochMilli())));
            assertTrue(gap.startsWith("retry: 1000\n\nevent: reset\n"), "too old to resume: start over");
            assertTrue(gap.contains("\"jti\":\"old\"") && gap.contains("\"jti\":\"new\""));
            assertTrue(gap.endsWith("event: ready\ndata: {}\n\n"), gap);
            assertTrue(stream.opening(Optional.of("garbage")).contains("event: reset"));

            assertEquals("", stream.news(), "what was in force at creation is not news");
            revocations.revokeClientBefore(TestServer.ADMIN_ID, clock.instant());
            String news = stream.news();
            assertTrue(news.contains("event: client_tokens_revoked\ndata: {\"client_id\":\"keycard-admin\",\"revoked_before\":"), news);
            assertEquals("", stream.news(), "sent once");
        }
    }
}

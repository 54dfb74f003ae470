package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.client.StubServer.Response;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Bearer wrapper, RFC 6750 §2.1 and §3: the header, and one refresh and retry on invalid_token. */
@Timeout(60)
class BearerHttpClientTest {

    static final Response INVALID_TOKEN = new Response(401,
            java.util.Map.of("WWW-Authenticate", "Bearer realm=\"jobs\", error=\"invalid_token\", error_description=\"expired\""),
            "{\"detail\":\"expired\"}");

    StubServer stub;
    MutableClock clock = new MutableClock();
    AtomicInteger tokensIssued = new AtomicInteger();
    BearerHttpClient client;

    @BeforeEach
    void start() throws Exception {
        stub = StubServer.start();
        client = new BearerHttpClient(HttpClient.newHttpClient(), TestSources.stub(stub, clock).build());
    }

    @AfterEach
    void stop() {
        client.close();
        stub.close();
    }

    /** Tokens t1, t2, … at /token; the API at /api answers as {@code api} says. */
    void serve(Function<StubServer.Request, Response> api) {
        stub.respond(r -> r.path().equals("/token") ? Response.token("t" + tokensIssued.incrementAndGet(), 600) : api.apply(r));
    }

    HttpRequest.Builder api() {
        return HttpRequest.newBuilder(stub.uri("/api"));
    }

    List<String> apiAuthorizations() {
        return stub.requests("/api").stream().map(r -> r.headers().get("Authorization").toString()).toList();
    }

    @Test
    void sendWhenRequestHasAuthorizationThenReplacedByBearer() throws Exception {
        serve(r -> Response.json(200, "{}"));

        HttpResponse<String> r = client.send(api().header("Authorization", "Basic eDp5").build(), BodyHandlers.ofString());

        assertEquals(200, r.statusCode());
        assertEquals(List.of("[Bearer t1]"), apiAuthorizations());
    }

    @Test
    void sendWhenInvalidTokenThenRefreshedOnceAndRetriedOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        serve(r -> calls.incrementAndGet() == 1 ? INVALID_TOKEN : Response.json(200, "{\"ok\":true}"));

        HttpResponse<String> r = client.send(api().POST(BodyPublishers.ofString("{\"job\":1}")).build(), BodyHandlers.ofString());

        assertEquals(200, r.statusCode());
        assertEquals("{\"ok\":true}", r.body());
        assertEquals(List.of("[Bearer t1]", "[Bearer t2]"), apiAuthorizations());
        assertEquals(List.of("{\"job\":1}", "{\"job\":1}"), stub.requests("/api").stream().map(StubServer.Request::body).toList());
        assertEquals(2, tokensIssued.get());
    }

    @Test
    void sendWhenInvalidTokenTwiceThenSecond401Returned() throws Exception {
        serve(r -> INVALID_TOKEN);

        HttpResponse<String> r = client.send(api().build(), BodyHandlers.ofString());

        assertEquals(401, r.statusCode());
        assertEquals("{\"detail\":\"expired\"}", r.body());
        assertEquals(2, stub.requests("/api").size());
        assertEquals(2, tokensIssued.get());
    }

    @Test
    void sendWhenTheApiRefusesEveryTokenThenAtMostOneForcedRefreshPerInterval() throws Exception {
        serve(r -> INVALID_TOKEN);

        for (int i = 0; i < 10; i++) {
            assertEquals(401, client.send(api().build(), BodyHandlers.ofString()).statusCode());
        }
        assertEquals(2, tokensIssued.get(), "one token, and one refresh forced by the first 401");

        clock.advance(java.time.Duration.ofSeconds(10));
        client.send(api().build(), BodyHandlers.ofString());
        assertEquals(3, tokensIssued.get(), "after the interval, a 401 forces a refresh again");
    }

    @Test
    void sendWhenBodyNotReplayableThenNotRetried() throws Exception {
        serve(r -> INVALID_TOKEN);
        HttpRequest request = api().POST(BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream("{\"job\":1}".getBytes(StandardCharsets.UTF_8)))).build();

        HttpResponse<String> r = client.send(request, BodyHandlers.ofString());

        assertEquals(401, r.statusCode());
        assertEquals(1, stub.requests("/api").size());
        assertEquals(1, tokensIssued.get());
    }

    @Test
    void sendWhen401WithoutInvalidTokenThenNotRetried() throws Exception {
        serve(r -> new Response(401, java.util.Map.of("WWW-Authenticate", "Bearer realm=\"jobs\""), ""));

        assertEquals(401, client.send(api().build(), BodyHandlers.ofString()).statusCode());
        assertEquals(1, stub.requests("/api").size());
        assertEquals(1, tokensIssued.get());
    }

    @Test
    void sendAsyncWhenInvalidTokenThenRefreshedOnceAndRetriedOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        serve(r -> calls.incrementAndGet() == 1 ? INVALID_TOKEN : Response.json(200, "{\"ok\":true}"));

        HttpResponse<String> r = client.sendAsync(api().build(), BodyHandlers.ofString()).get();

        assertEquals(200, r.statusCode());
        assertEquals(List.of("[Bearer t1]", "[Bearer t2]"), apiAuthorizations());
    }

    @Test
    void sendAsyncWhenInvalidTokenTwiceThenSecond401Returned() throws Exception {
        serve(r -> INVALID_TOKEN);

        HttpResponse<String> r = client.sendAsync(api().build(), BodyHandlers.ofString()).get();

        assertEquals(401, r.statusCode());
        assertEquals(2, stub.requests("/api").size());
    }
}

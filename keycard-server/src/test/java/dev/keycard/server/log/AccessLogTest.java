package dev.keycard.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code log.access}: a line per request with its client when known, never a secret or a token; off by default. */
class AccessLogTest {

    @TempDir
    Path dir;

    static List<JsonObject> lines(ListAppender<ILoggingEvent> appender) {
        List<ILoggingEvent> events;
        synchronized (appender) { // AppenderBase appends under the appender's lock
            events = List.copyOf(appender.list);
        }
        return events.stream().map(e -> {
            EmbeddedJson json = LogLines.embedded(e);
            return new JsonObject(json == null ? e.getFormattedMessage() : json.json());
        }).toList();
    }

    static ListAppender<ILoggingEvent> listen() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(Logging.ACCESS)).addAppender(appender);
        return appender;
    }

    static void awaitLines(ListAppender<ILoggingEvent> appender, int count) throws InterruptedException {
        for (int i = 0; i < 100 && lines(appender).stream().filter(l -> !l.getString("path").startsWith("/admin/"))
                .count() < count; i++) {
            Thread.sleep(20);
        }
    }

    @Test
    void accessLogWhenOnThenEachRequestIsALineWithItsClientAndNoSecretOrToken() throws Exception {
        ListAppender<ILoggingEvent> appender = listen();
        try (TestServer server = TestServer.start(dir, Map.of("log.access", "true"))) {
            Http http = new Http(server.baseUri());
            http.createApi("https://jobs.internal", "ES256", "jobs:read");
            String secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
            appender.list.clear();
            String token = http.accessToken("worker", secret, "grant_type", "client_credentials", "scope", "jobs:read");
            assertEquals(401, http.token("worker", "kcs_wrong", "grant_type", "client_credentials").statusCode());
            assertEquals(200, http.get("/oauth2/jwks?x=" + token).statusCode());
            awaitLines(appender, 3);

            // The set-up's admin calls may log after the clear: their lines come when their responses have gone.
            List<JsonObject> lines = lines(appender).stream().filter(l -> !l.getString("path").startsWith("/admin/"))
                    .toList();
            assertEquals(3, lines.size(), lines.toString());
            JsonObject issued = lines.get(0);
            assertEquals("POST", issued.getString("method"));
            assertEquals("/oauth2/token", issued.getString("path"));
            assertEquals(200, issued.getInteger("status"));
            assertEquals("worker", issued.getString("client_id"));
            assertEquals("127.0.0.1", issued.getString("source"));
            assertTrue(issued.getDouble("duration_ms") >= 0);
            assertEquals(401, lines.get(1).getInteger("status"));
            assertFalse(lines.get(1).containsKey("client_id"), "a request that did not authenticate names no client");
            assertEquals("/oauth2/jwks", lines.get(2).getString("path"), "no query");
            String all = appender.list.stream().map(ILoggingEvent::getFormattedMessage).reduce("", String::concat);
            assertFalse(all.contains(secret) || all.contains("kcs_wrong") || all.contains(token), all);
        } finally {
            ((Logger) LoggerFactory.getLogger(Logging.ACCESS)).detachAppender(appender);
        }
    }

    @Test
    void accessLogWhenARevocationEventStreamIsDroppedThenItIsOneLineWithItsSubscriber() throws Exception {
        ListAppender<ILoggingEvent> appender = listen();
        try (TestServer server = TestServer.start(dir, Map.of("log.access", "true"))) {
            Http http = new Http(server.baseUri());
            String secret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect")
                    .getString("client_secret");
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.baseUri().getPort())) {
                s.getOutputStream().write(("GET /oauth2/revocation-events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                        + Http.basic("jobs-api", secret) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.getInputStream().read(new byte[256]); // the stream has begun
            } // and is dropped by the subscriber
            for (int i = 0; i < 100 && lines(appender).stream()
                    .noneMatch(l -> l.getString("path").equals("/oauth2/revocation-events")); i++) {
                Thread.sleep(20);
            }
            JsonObject stream = lines(appender).stream().filter(l -> l.getString("path").equals("/oauth2/revocation-events"))
                    .findFirst().orElseThrow(() -> new AssertionError("no line for the dropped stream: " + lines(appender)));
            assertEquals(200, stream.getInteger("status"));
            assertEquals("jobs-api", stream.getString("client_id"));
        } finally {
            ((Logger) LoggerFactory.getLogger(Logging.ACCESS)).detachAppender(appender);
        }
    }

    @Test
    void accessLogWhenOffThenNoLine() throws Exception {
        ListAppender<ILoggingEvent> appender = listen();
        try (TestServer server = TestServer.start(dir)) {
            assertEquals(200, new Http(server.baseUri()).get("/oauth2/jwks").statusCode());
            Thread.sleep(100);
            assertEquals(List.of(), appender.list);
        } finally {
            ((Logger) LoggerFactory.getLogger(Logging.ACCESS)).detachAppender(appender);
        }
    }
}

package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.OAuthError;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.RawHttp;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code error_description} Keycard can send is printable ASCII without {@code "} or
 * {@code \} (RFC 6749 §5.2, RFC 6750 §3): the fixed texts in the code, and the texts that quote a
 * request (a repeated parameter's name) at each OAuth endpoint.
 */
class ErrorDescriptionTest {

    private static final Pattern DESCRIBE = Pattern.compile("\\.describe\\(|BearerError\\.invalidRequest\\(|"
            + "new Malformed\\(");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Parameter names a hostile client might repeat, percent-encoded as they travel in a form. */
    private static final List<String> HOSTILE_NAMES = List.of("%C2%A7", "%22", "%5C", "%0D%0AX-Injected:%201",
            "%00", "%E2%80%A8", "%F0%9F%94%91", "a%25b", "%7F", "x".repeat(5000));

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String secret;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fixedDescriptionsInTheCodeWhenReadThenEachIsPrintableAscii() throws IOException {
        List<String> found = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../keycard-resource/src/main/java"),
                Path.of("../keycard-protocol/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(f, StandardCharsets.UTF_8);
                    Matcher call = DESCRIBE.matcher(source);
                    while (call.find()) {
                        String argument = source.substring(call.end(), closingParenthesis(source, call.end()));
                        Matcher literal = LITERAL.matcher(argument);
                        while (literal.find()) {
                            String text = literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
                            found.add(text);
                            if (!text.chars().allMatch(OAuthError::isNqschar)) {
                                bad.add(f.getFileName() + ": " + text);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(found.size() > 30, "the scan found the descriptions: " + found.size());
        assertEquals(List.of(), bad);
    }

    @Test
    void repeatedHostileParameterNameWhenSentToEachEndpointThenTheDescriptionIsPrintableAscii() {
        for (String path : List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke")) {
            for (String name : HOSTILE_NAMES) {
                String body = "grant_type=client_credentials&token=x&" + name + "=1&" + name + "=2";
                RawHttp.Reply reply = RawHttp.exchange(server.baseUri().getPort(), ("POST " + path + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: "
                        + Http.basic("worker", secret) + "\r\nConnection: close\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(400, reply.status(), path + " " + name);
                String description = new JsonObject(reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4))
                        .getString("error_description");
                assertTrue(description.startsWith("parameter is repeated: "), description);
                assertTrue(description.chars().allMatch(OAuthError::isNqschar), path + ": " + description);
                assertTrue(description.length() <= OAuthError.MAX_DESCRIPTION, description);
                assertFalse(reply.text().contains("\nX-Injected"), reply.text());
            }
        }
    }

    @Test
    void malformedScopeWhenAskedThenTheDescriptionNamesTheSectionInAscii() {
        HttpResponse<String> r = http.token("worker", secret, "grant_type", "client_credentials", "scope", "a  b");
        assertEquals(400, r.statusCode());
        assertEquals("scope is malformed (RFC 6749 section 3.3)",
                new JsonObject(r.body()).getString("error_description"));
    }

    private static int closingParenthesis(String s, int from) {
        int depth = 1;
        boolean inString = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return s.length();
    }
}

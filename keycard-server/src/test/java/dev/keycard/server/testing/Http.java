package dev.keycard.server.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Loopback HTTP for tests: real requests with the JDK client, and the Keycard calls tests repeat. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final HttpClient client;

    public Http(URI base) {
        this(base, CLIENT);
    }

    /** Over https, trusting what {@code tls} trusts. */
    public Http(URI base, javax.net.ssl.SSLContext tls) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build());
    }

    private Http(URI base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    /** POSTs a form to the token endpoint, with Basic credentials when {@code id} is not null. */
    public HttpResponse<String> token(String id, String secret, String... params) {
        HttpRequest.Builder r = request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params)));
        if (id != null) {
            r.header("Authorization", basic(id, secret));
        }
        return send(r);
    }

    public String accessToken(String id, String secret, String... params) {
        HttpResponse<String> r = token(id, secret, params);
        if (r.statusCode() != 200) {
            throw new AssertionError("token request failed: " + r.statusCode() + " " + r.body());
        }
        return new JsonObject(r.body()).getString("access_token");
    }

    public String adminToken() {
        return accessToken(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET, "grant_type", "client_credentials");
    }

    /** A JSON call to the admin API with a fresh admin token. */
    public HttpResponse<String> admin(String method, String path, JsonObject body) {
        return admin(adminToken(), method, path, body);
    }

    /** A JSON call to the admin API with {@code token}; {@code body} null sends none. */
    public HttpResponse<String> admin(String token, String method, String path, JsonObject body) {
        HttpRequest.Builder r = request(path).header("Authorization", "Bearer " + token);
        if (body == null) {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
        }
        return send(r);
    }

    /** Creates an API and returns it. */
    public JsonObject createApi(String identifier, String alg, String... scopes) {
        HttpResponse<String> r = admin("POST", "/admin/v1/apis", new JsonObject().put("identifier", identifier)
                .put("name", "API " + identifier).put("scopes", List.of(scopes)).put("signing_alg", alg));
        if (r.statusCode() != 201) {
            throw new AssertionError("create API failed: " + r.statusCode() + " " + r.body());
        }
        return new JsonObject(r.body());
    }

    /** Creates a client with one grant and returns it, {@code client_secret} included. */
    public JsonObject createClient(String id, String api, String... scopes) {
        JsonObject body = new JsonObject().put("client_id", id).put("name", "Client " + id);
        if (api != null) {
            body.put("grants", List.of(new JsonObject().put("api", api).put("scopes", List.of(scopes))));
        }
        HttpResponse<String> r = admin("POST", "/admin/v1/clients", body);
        if (r.statusCode() != 201) {
            throw new AssertionError("create client failed: " + r.statusCode() + " " + r.body());
        }
        return new JsonObject(r.body());
    }

    public static String form(String... params) {
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs");
        }
        return Stream.iterate(0, i -> i < params.length, i -> i + 2)
                .map(i -> enc(params[i]) + "=" + enc(params[i + 1])).collect(Collectors.joining("&"));
    }

    public static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    public static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

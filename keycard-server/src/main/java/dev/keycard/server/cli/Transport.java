package dev.keycard.server.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The HTTP plumbing the commands share: one client setup, one way to fail, one path encoding. */
final class Transport {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final String USER_AGENT = "keycard-cli";

    private Transport() {
    }

    /** An HTTP/1.1 client that never follows redirects, so a bearer token never travels elsewhere. */
    static HttpClient newClient() {
        return newClient(java.util.Optional.empty());
    }

    /** Likewise, trusting only the PEM certificates in {@code cacert} when given (as curl's --cacert). */
    static HttpClient newClient(java.util.Optional<java.nio.file.Path> cacert) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
        cacert.ifPresent(file -> builder.sslContext(trusting(file)));
        return builder.build();
    }

    private static javax.net.ssl.SSLContext trusting(java.nio.file.Path file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new CliException(ExitCodes.USAGE, "error: --cacert " + file + " holds no PEM certificate");
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.USAGE, "error: --cacert " + file + " cannot be read: " + e.getMessage());
        } catch (java.security.GeneralSecurityException e) {
            throw new CliException(ExitCodes.USAGE, "error: --cacert " + file + " is not PEM certificates: "
                    + e.getMessage());
        }
    }

    /**
     * Sends a request; a failure to get any answer becomes {@link ExitCodes#UNAVAILABLE} with a
     * message naming the URL.
     */
    static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw unreachable(request, "timed out");
        } catch (ConnectException e) {
            throw unreachable(request, e.getMessage() == null ? "connection refused" : e.getMessage());
        } catch (IOException e) {
            throw unreachable(request, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(request, "interrupted");
        }
    }

    private static CliException unreachable(HttpRequest request, String reason) {
        String hint = reason.contains("PKIX") || reason.contains("certificate")
                ? " (a certificate of a private or self-signed authority: pass it with --cacert FILE)" : "";
        return new CliException(ExitCodes.UNAVAILABLE,
                "error: cannot reach Keycard at " + request.uri() + ": " + reason + hint);
    }

    /**
     * One path segment, percent-encoded so that an API identifier such as {@code https://jobs.internal}
     * stays one segment: {@code https%3A%2F%2Fjobs.internal}.
     */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The body as a JSON object, or null when it is empty or not a JSON object. */
    static @Nullable JsonObject jsonObjectOrNull(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    /** The body of a successful answer as a JSON object; anything else is a server fault. */
    static JsonObject requireJsonObject(HttpResponse<String> response) {
        JsonObject json = jsonObjectOrNull(response.body());
        if (json == null) {
            throw new CliException(ExitCodes.UNAVAILABLE, "error: " + response.uri()
                    + " answered " + response.statusCode() + " without a JSON object");
        }
        return json;
    }
}

package dev.keycard.server.cli;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * A client's mutual-TLS identity on the command line (RFC 8705 §2.1.2): the one certificate
 * attribute a {@code tls_client_auth} client is known by.
 */
final class TlsAuthOptions {

    @Option(names = "--tls-subject-dn", paramLabel = "DN",
            description = "tls_client_auth: the certificate's subject DN (RFC 4514), e.g. CN=batch-worker,O=Acme.")
    @Nullable String subjectDn;

    @Option(names = "--tls-san-dns", paramLabel = "NAME", description = "tls_client_auth: a DNS name in the certificate.")
    @Nullable String sanDns;

    @Option(names = "--tls-san-uri", paramLabel = "URI",
            description = "tls_client_auth: a URI in the certificate, e.g. a SPIFFE ID.")
    @Nullable String sanUri;

    @Option(names = "--tls-san-ip", paramLabel = "ADDRESS", description = "tls_client_auth: an IP address in the certificate.")
    @Nullable String sanIp;

    @Option(names = "--tls-san-email", paramLabel = "EMAIL", description = "tls_client_auth: an email address in the certificate.")
    @Nullable String sanEmail;

    /** Puts the attribute given, if any, into a create or update body; two are refused before any call. */
    void addTo(JsonObject body) {
        Map<String, String> given = new LinkedHashMap<>();
        put(given, "tls_client_auth_subject_dn", subjectDn);
        put(given, "tls_client_auth_san_dns", sanDns);
        put(given, "tls_client_auth_san_uri", sanUri);
        put(given, "tls_client_auth_san_ip", sanIp);
        put(given, "tls_client_auth_san_email", sanEmail);
        if (given.size() > 1) {
            throw new CliException(ExitCodes.USAGE, "error: a client is known by one certificate attribute: give one of"
                    + " --tls-subject-dn, --tls-san-dns, --tls-san-uri, --tls-san-ip, --tls-san-email");
        }
        given.forEach(body::put);
    }

    private static void put(Map<String, String> given, String field, @Nullable String value) {
        if (value != null) {
            given.put(field, value);
        }
    }
}

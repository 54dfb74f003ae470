package dev.keycard.server.cli;

import java.net.URI;
import java.nio.file.Path;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Where the Keycard server is and how to print its answers: the options every client command takes. */
final class ServerOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    /** How answers are printed. */
    enum Format { TABLE, JSON }

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:KEYCARD_URL:-" + DEFAULT_URL + "}",
            description = {"Keycard's base URL; env KEYCARD_URL.", "Default: " + DEFAULT_URL})
    private String url = DEFAULT_URL;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table", converter = FormatConverter.class,
            description = "table (for people, the default) or json (the server's JSON, pretty).")
    private Format output = Format.TABLE;

    /** The base URL without a trailing slash; a URL that is not absolute http(s) is a usage error. */
    @Option(names = "--cacert", paramLabel = "FILE", defaultValue = "${env:KEYCARD_CACERT}",
            description = "Trust only the PEM certificates in FILE for an https URL (a self-signed or private CA); "
                    + "default: the JDK's trusted authorities. Env: KEYCARD_CACERT.")
    private @Nullable Path cacert;

    /** The HTTP client for {@link #baseUrl()}, trusting {@code --cacert} when given. */
    java.net.http.HttpClient client() {
        return Transport.newClient(java.util.Optional.ofNullable(cacert));
    }

    String baseUrl() {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw badUrl();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw badUrl();
        }
        String base = url;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    private CliException badUrl() {
        return new CliException(ExitCodes.USAGE, "error: --url must be an absolute http or https URL: " + Table.clean(url));
    }

    /** Whether to print the server's JSON rather than a table. */
    boolean json() {
        return output == Format.JSON;
    }

    /** {@code table} or {@code json}, in any case. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected table or json, not '" + value + "'");
            }
        }
    }

    @Override
    public String toString() {
        return "ServerOptions[url=" + url + ", output=" + output + "]";
    }
}

package dev.keycard.server.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * A client's private_key_jwt keys on the command line: a JWK Set file (public keys; the server
 * refuses private ones) or the URL the client publishes its keys at, and the one algorithm its
 * assertions use.
 */
final class KeyOptions {

    /** The largest JWK Set file read; the server takes at most 32 KiB of JSON. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    @Option(names = "--jwks-file", paramLabel = "FILE",
            description = "A JWK Set (JSON) of the client's public keys, for private_key_jwt.")
    @Nullable Path jwksFile;

    @Option(names = "--jwks-uri", paramLabel = "URL",
            description = "Where the client publishes its JWK Set (https), for private_key_jwt; "
                    + "an alternative to --jwks-file.")
    @Nullable String jwksUri;

    @Option(names = "--signing-alg", paramLabel = "ALG",
            description = "The one algorithm the client's assertions use: RS256, PS256, ES256 or EdDSA.")
    @Nullable String signingAlg;

    /** Puts the options given into a create or update body; in an update an empty value clears. */
    void addTo(JsonObject body, boolean update) {
        if (jwksFile != null && jwksUri != null) {
            throw new CliException(ExitCodes.USAGE, "error: --jwks-file and --jwks-uri are alternatives: give one");
        }
        if (jwksFile != null) {
            body.put("jwks", read(jwksFile));
        }
        if (jwksUri != null) {
            body.put("jwks_uri", jwksUri.isEmpty() && update ? null : jwksUri);
        }
        if (signingAlg != null) {
            body.put("token_endpoint_auth_signing_alg", signingAlg.isEmpty() && update ? null : signingAlg);
        }
    }

    private static JsonObject read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new CliException(ExitCodes.USAGE, "error: " + file + " is larger than a JWK Set should be ("
                        + MAX_FILE_BYTES + " bytes)");
            }
            return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "error: cannot read " + file + ": " + e.getMessage());
        } catch (DecodeException | ClassCastException e) {
            throw new CliException(ExitCodes.USAGE, "error: " + file + " is not a JSON object (a JWK Set: {\"keys\": [...]})");
        }
    }
}

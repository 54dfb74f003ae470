package dev.keycard.server.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
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
            description = "The client's public keys, for private_key_jwt: a JWK Set (JSON), or one PEM public key "
                    + "(-----BEGIN PUBLIC KEY-----, as openssl pkey -pubout writes it).")
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

    /** A JWK Set, or one PEM public key as a JWK Set of one, read from {@code file}. */
    static JsonObject read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new CliException(ExitCodes.USAGE, "error: " + file + " is larger than a key set should be ("
                        + MAX_FILE_BYTES + " bytes)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "error: cannot read " + file + ": " + e.getMessage());
        }
        if (text.startsWith("-----BEGIN PUBLIC KEY-----")) {
            return new JsonObject().put("keys", new JsonArray().add(new JsonObject(pem(file, text))));
        }
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw new CliException(ExitCodes.USAGE, "error: " + file + " is neither a JWK Set ({\"keys\": [...]}) nor a"
                    + " PEM public key");
        }
    }

    /** One PEM public key (X.509 SubjectPublicKeyInfo) as a JWK, its kid its RFC 7638 thumbprint. */
    private static String pem(Path file, String text) {
        int end = text.indexOf("-----END PUBLIC KEY-----");
        if (end < 0) {
            throw new CliException(ExitCodes.USAGE, "error: " + file + ": no -----END PUBLIC KEY-----");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring("-----BEGIN PUBLIC KEY-----".length(), end));
            X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
            for (String type : new String[] {"EC", "RSA", "Ed25519"}) {
                PublicKey key;
                try {
                    key = KeyFactory.getInstance(type).generatePublic(spec);
                } catch (GeneralSecurityException notThisType) {
                    continue;
                }
                JWK jwk = switch (key) {
                    case ECPublicKey ec -> new ECKey.Builder(
                            Curve.forECParameterSpec(ec.getParams()), ec).build();
                    case RSAPublicKey rsa -> new RSAKey.Builder(rsa).build();
                    default -> new OctetKeyPair.Builder(Curve.Ed25519,
                            Base64URL.encode(Arrays.copyOfRange(der, der.length - 32,
                                    der.length))).build();
                };
                return withKid(jwk).toJSONString();
            }
        } catch (IllegalArgumentException | JOSEException e) {
            // fall through to the message below
        }
        throw new CliException(ExitCodes.USAGE, "error: " + file + " holds no RSA, EC or Ed25519 public key");
    }

    private static JWK withKid(JWK jwk) throws JOSEException {
        String kid = jwk.computeThumbprint().toString();
        return switch (jwk) {
            case ECKey ec -> new ECKey.Builder(ec).keyID(kid).build();
            case RSAKey rsa -> new RSAKey.Builder(rsa).keyID(kid).build();
            case OctetKeyPair okp -> new OctetKeyPair.Builder(okp).keyID(kid)
                    .build();
            default -> jwk;
        };
    }
}

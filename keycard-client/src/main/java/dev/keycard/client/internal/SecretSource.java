package dev.keycard.client.internal;

import dev.keycard.client.KeycardClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the client secret comes from. Read at every token request, never kept: a secret rotated in
 * the environment's store or in the file is used by the next request, without a restart. A token
 * request happens once per token lifetime, so the read costs nothing that matters.
 *
 * <p>{@link #toString()} names the source (the variable, the path), never the secret; errors do
 * the same.
 */
public sealed interface SecretSource {

    /**
     * The secret, without surrounding whitespace (a file usually ends with a newline).
     *
     * @throws KeycardClientException naming the variable or file when there is no secret
     */
    String read();

    static SecretSource value(String secret) {
        return new Value(secret);
    }

    static SecretSource environment(String name, Function<String, @Nullable String> lookup) {
        return new Environment(name, lookup);
    }

    static SecretSource file(Path path) {
        return new File(path);
    }

    /** A secret given in code. */
    final class Value implements SecretSource {
        private final String secret;

        Value(String secret) {
            Objects.requireNonNull(secret, "clientSecret");
            if (secret.isBlank()) {
                throw new IllegalArgumentException("clientSecret is empty");
            }
            this.secret = secret;
        }

        @Override
        public String read() {
            return secret;
        }

        @Override
        public String toString() {
            return "value(redacted)";
        }
    }

    /** A secret in an environment variable. */
    final class Environment implements SecretSource {
        private final String name;
        private final Function<String, @Nullable String> lookup;

        Environment(String name, Function<String, @Nullable String> lookup) {
            Objects.requireNonNull(name, "clientSecretFromEnv");
            if (name.isBlank()) {
                throw new IllegalArgumentException("clientSecretFromEnv: variable name is empty");
            }
            this.name = name;
            this.lookup = lookup;
        }

        @Override
        public String read() {
            String v = lookup.apply(name);
            if (v == null || v.isBlank()) {
                throw new KeycardClientException("client secret environment variable " + name
                        + (v == null ? " is not set" : " is empty"));
            }
            return v.strip();
        }

        @Override
        public String toString() {
            return "env:" + name;
        }
    }

    /** A secret in a file, e.g. a mounted Kubernetes secret that is replaced on rotation. */
    final class File implements SecretSource {
        private final Path path;

        File(Path path) {
            this.path = Objects.requireNonNull(path, "clientSecretFile");
        }

        @Override
        public String read() {
            String v;
            try {
                v = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                // The exception's own message is at most the path; naming its type says enough.
                throw new KeycardClientException("client secret file " + path + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
            if (v.isBlank()) {
                throw new KeycardClientException("client secret file " + path + " is empty");
            }
            return v.strip();
        }

        @Override
        public String toString() {
            return "file:" + path;
        }
    }
}

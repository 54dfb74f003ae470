package dev.keycard.server.http;

import dev.keycard.server.admin.AdminUseCases;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.client.SecretUsage;
import dev.keycard.server.console.Console;
import dev.keycard.server.event.Audit;
import dev.keycard.server.event.Metrics;
import dev.keycard.server.introspect.TokenIntrospection;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.revoke.RevocationStream;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.revoke.TokenRevocation;
import dev.keycard.server.token.TokenEndpoint;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the HTTP side serves, as the rest of the server built it: the protocol endpoints, the
 * admin use cases, and what health, metrics and the admin API's authentication read.
 *
 * @param issuer the issuer identifier (fixed once the port is known)
 * @param storeAnswers whether the store answers a trivial query, for {@code /health/ready}
 * @param console the console's sessions, activity and recent events when {@code console.enabled}, else empty
 * @param consoleOrigin where the console is served (the issuer, or the management port), for its sign-in links
 */
public record Endpoints(TokenEndpoint tokens, TokenIntrospection introspection, TokenRevocation revocation,
                        RevocationStream revocationStream, ClientAuthenticator authenticator, KeyManager keys,
                        Registry registry, Revocations revocations, SecretUsage usage, AdminUseCases admin,
                        Supplier<String> issuer, BooleanSupplier storeAnswers, Metrics metrics, Audit audit,
                        Clock clock, Optional<Console> console, Supplier<String> consoleOrigin) {
}

/**
 * The console (docs/console.md): web pages for the people who run Keycard, rendered on the server
 * from the admin use cases, with sign-in by a one-time link and a session cookie. No web framework
 * here: {@code http.ConsoleRoutes} is the adapter.
 */
@NullMarked
package dev.keycard.server.console;

import org.jspecify.annotations.NullMarked;

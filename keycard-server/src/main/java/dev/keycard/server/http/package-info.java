/**
 * Keycard over HTTP, the only package that knows the web framework (Vert.x): the OAuth endpoints,
 * metadata and JWKS, health and metrics, and the admin API (a route table over the admin use
 * cases), with what every route shares — body limits and deadlines, client addresses, the access
 * log, RFC 6749 errors and RFC 9457 problems.
 */
@NullMarked
package dev.keycard.server.http;

import org.jspecify.annotations.NullMarked;

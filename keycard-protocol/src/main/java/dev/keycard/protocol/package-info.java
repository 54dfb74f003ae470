/**
 * The OAuth 2.0 vocabulary shared by the Keycard server and both libraries: identifiers, scopes,
 * error codes and the form codec of RFC 6749. JDK only, so every module can take it.
 */
@NullMarked
package dev.keycard.protocol;

import org.jspecify.annotations.NullMarked;

/** The Keycard authorization server: {@link dev.keycard.server.KeycardServer} assembles it. */
@NullMarked
package dev.keycard.server;

import org.jspecify.annotations.NullMarked;

@NullMarked
package dev.keycard.server.revoke;

import org.jspecify.annotations.NullMarked;

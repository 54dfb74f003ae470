@NullMarked
package dev.keycard.server.token;

import org.jspecify.annotations.NullMarked;

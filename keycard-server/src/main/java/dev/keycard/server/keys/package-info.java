@NullMarked
package dev.keycard.server.keys;

import org.jspecify.annotations.NullMarked;

@NullMarked
package dev.keycard.server.store;

import org.jspecify.annotations.NullMarked;

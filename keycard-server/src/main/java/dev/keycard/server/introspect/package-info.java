@NullMarked
package dev.keycard.server.introspect;

import org.jspecify.annotations.NullMarked;

@NullMarked
package dev.keycard.server.registry;

import org.jspecify.annotations.NullMarked;

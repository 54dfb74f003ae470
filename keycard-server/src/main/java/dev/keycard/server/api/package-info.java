@NullMarked
package dev.keycard.server.api;

import org.jspecify.annotations.NullMarked;
